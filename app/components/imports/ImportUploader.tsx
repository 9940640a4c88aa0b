import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import {
  DECIMAL_CHOICES,
  phaseFraction,
  type ImportOutcome,
  type ImportPhase,
  type JobView,
  type UploadProblem,
} from "~/modules/imports/import-view";
import { ImportResult } from "./ImportResult";

const POLL_MS = 750;

/** The steps the page lists: the browser's upload, then the server's phases (reading and storing are one step: the rows are checked as they are stored). */
const IMPORT_STEPS = ["uploading", "hashing", "storing", "summarising"] as const;
type ImportStep = (typeof IMPORT_STEPS)[number];
function stepOf(phase: ImportPhase | "uploading"): ImportStep | null {
  if (phase === "done") return null;
  return phase === "validating" ? "storing" : phase;
}
const ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const DECIMAL_LABELS = { auto: "imports.decimalAuto", comma: "imports.decimalComma", point: "imports.decimalPoint" } as const;

type ClientProblem = UploadProblem | "uploadFailed" | "forbidden" | "statusFailed";

type Stage = { kind: "idle" } | { kind: "uploading"; loaded: number; total: number | null } | { kind: "job"; jobId: string };

export interface ImportUploaderProps {
  maxBytes: number;
  maxMegabytes: number;
  /** The day of import (`YYYY-MM-DD`, the server's clock): the delivery date's default and latest value. */
  today: string;
  /** The answer of a form post without JavaScript, if any. */
  initial: { outcome: ImportOutcome | null; problem: UploadProblem | null };
}

/**
 * The declaration upload. Without JavaScript the form posts to `/imports` and
 * the page shows the result. With JavaScript the file goes to `/api/imports`
 * by XMLHttpRequest (upload progress), and the job is polled until done.
 */
export function ImportUploader(props: ImportUploaderProps) {
  // One client per mounted page: nothing is shared between users or pages.
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } }));
  return (
    <QueryClientProvider client={client}>
      <Uploader {...props} />
    </QueryClientProvider>
  );
}

function problemFromStatus(status: number, body: unknown): ClientProblem {
  const problem = (body as { problem?: unknown } | null)?.problem;
  if (problem === "noFile" || problem === "tooLarge" || problem === "invalidOptions") return problem;
  if (status === 413) return "tooLarge";
  if (status === 403) return "forbidden";
  return "uploadFailed";
}

function Uploader({ maxBytes, maxMegabytes, today, initial }: ImportUploaderProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const revalidator = useRevalidator();
  const [stage, setStage] = useState<Stage>({ kind: "idle" });
  const [problem, setProblem] = useState<ClientProblem | null>(initial.problem);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(initial.outcome);
  const xhrRef = useRef<XMLHttpRequest | null>(null);
  const jobId = stage.kind === "job" ? stage.jobId : null;

  const job = useQuery({
    queryKey: ["import-job", jobId],
    enabled: jobId !== null,
    queryFn: async ({ signal }): Promise<JobView> => {
      const response = await fetch(`/api/imports/${jobId}`, { signal, headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`status ${response.status}`);
      return (await response.json()) as JobView;
    },
    refetchInterval: (query) => (query.state.data && query.state.data.status !== "running" ? false : POLL_MS),
    retry: 3,
  });

  // A finished job: show its result, refresh the list of batches below.
  const finished = job.data && job.data.status !== "running" ? job.data : null;
  useEffect(() => {
    if (!finished?.outcome) return;
    setOutcome(finished.outcome);
    setStage({ kind: "idle" });
    if (finished.outcome.kind === "imported") revalidator.revalidate();
    // Only when the finished job changes; `revalidator` is a new object on every render.
  }, [finished]);
  useEffect(() => {
    if (job.isError && stage.kind === "job") {
      setProblem("statusFailed");
      setStage({ kind: "idle" });
    }
  }, [job.isError, stage.kind]);
  useEffect(() => () => xhrRef.current?.abort(), []);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const file = data.get("file");
    setOutcome(null);
    if (!(file instanceof File) || file.size === 0) return setProblem("noFile");
    if (file.size > maxBytes) return setProblem("tooLarge"); // no need to send it
    setProblem(null);
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    xhr.open("POST", "/api/imports");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => setStage({ kind: "uploading", loaded: e.loaded, total: e.lengthComputable ? e.total : null });
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      const id = (body as { jobId?: unknown } | null)?.jobId;
      if (xhr.status === 202 && typeof id === "string") {
        form.reset();
        setStage({ kind: "job", jobId: id });
      } else {
        setProblem(problemFromStatus(xhr.status, body));
        setStage({ kind: "idle" });
      }
    };
    xhr.onerror = () => {
      setProblem("uploadFailed");
      setStage({ kind: "idle" });
    };
    setStage({ kind: "uploading", loaded: 0, total: file.size });
    xhr.send(data);
  }

  const busy = stage.kind !== "idle";
  const fileProblem = problem === "noFile" || problem === "tooLarge";
  const progress =
    stage.kind === "uploading"
      ? {
          phase: "uploading" as const,
          label: t("imports.phase.uploading"),
          fraction: stage.total ? Math.min(1, stage.loaded / stage.total) : null,
          rows: null,
        }
      : stage.kind === "job"
      ? job.data
        ? {
            phase: job.data.progress.phase,
            label: t(`imports.phase.${job.data.progress.phase}`),
            fraction: phaseFraction(job.data.progress),
            rows: job.data.progress.rows || null,
          }
        : { phase: "hashing" as const, label: t("imports.phase.hashing"), fraction: null, rows: null }
      : null;
  // How far the steps are: all done once the job is.
  const at = !progress ? -1 : progress.phase === "done" ? IMPORT_STEPS.length : IMPORT_STEPS.indexOf(stepOf(progress.phase)!);
  // Bring the progress into view once when it appears (below the form at 1366×900).
  const progressRef = useRef<HTMLElement | null>(null);
  const showing = progress !== null;
  useEffect(() => {
    if (showing) progressRef.current?.scrollIntoView({ block: "nearest" });
  }, [showing]);

  return (
    <>
      <form
        method="post"
        action="/imports"
        encType="multipart/form-data"
        className="stacked"
        onSubmit={onSubmit}
        aria-labelledby="upload-title"
      >
        <h2 id="upload-title">{t("imports.formTitle")}</h2>
        <div>
          <label>
            {t("imports.file")}
            <input
              type="file"
              name="file"
              accept={ACCEPT}
              required
              aria-invalid={fileProblem || undefined}
              aria-describedby={fileProblem ? "file-error file-hint" : "file-hint"}
            />
          </label>
          <div className="hint" id="file-hint">
            {t("imports.fileHint", { max: maxMegabytes })}
          </div>
          {fileProblem ? (
            <div className="message error" id="file-error" role="alert" data-testid="upload-problem">
              {problem === "tooLarge" ? t("imports.tooLarge", { max: maxMegabytes }) : t("imports.noFile")}
            </div>
          ) : null}
        </div>
        <fieldset className="choices">
          <legend>{t("imports.mode")}</legend>
          <label>
            <input type="radio" name="mode" value="append" defaultChecked aria-describedby="mode-append-hint" />
            {t("imports.modeAppend")}
          </label>
          <div className="hint" id="mode-append-hint">
            {t("imports.modeAppendHint")}
          </div>
          <label>
            <input type="radio" name="mode" value="replace" aria-describedby="mode-replace-hint" />
            {t("imports.modeReplace")}
          </label>
          <div className="hint" id="mode-replace-hint">
            {t("imports.modeReplaceHint")}
          </div>
        </fieldset>
        <div>
          <label>
            {t("imports.decimal")}
            <select name="decimal" defaultValue="auto">
              {DECIMAL_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {t(DECIMAL_LABELS[choice])}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div>
          <label>
            {t("imports.deliveredOn")}
            <input type="date" name="delivered_on" defaultValue={today} max={today} aria-describedby="delivered-on-hint" />
          </label>
          <div className="hint" id="delivered-on-hint">
            {t("imports.deliveredOnHint")}
          </div>
        </div>
        <div>
          <label>
            <input type="checkbox" name="identical" value="refuse" aria-describedby="identical-hint" />
            {t("imports.refuseIdentical")}
          </label>
          <div className="hint" id="identical-hint">
            {t("imports.refuseIdenticalHint")}
          </div>
        </div>
        {problem && !fileProblem ? (
          <div className="message error" role="alert" data-testid="upload-problem">
            {t(`imports.${problem}`)}
          </div>
        ) : null}
        <div>
          <button
            type="submit"
            className="primary"
            disabled={busy}
            aria-describedby={busy ? "import-progress-status" : undefined}
          >
            {t("imports.submit")}
          </button>
        </div>
      </form>

      {progress ? (
        <section aria-labelledby="progress-title" className="import-progress" data-testid="import-progress" ref={progressRef}>
          <h2 id="progress-title">{t("imports.progressTitle")}</h2>
          <ol className="import-steps" data-testid="import-steps">
            {IMPORT_STEPS.map((step, index) => {
              const state = index < at ? "done" : index === at ? "current" : "pending";
              return (
                <li key={step} className={`import-step import-step-${state}`} data-step={step} data-state={state} aria-current={state === "current" ? "step" : undefined}>
                  <span aria-hidden="true">{state === "done" ? "✓ " : state === "current" ? "▸ " : ""}</span>
                  {t(`imports.steps.${step}`)}
                  {state === "done" ? <span className="visually-hidden">{` (${t("imports.stepDone")})`}</span> : null}
                </li>
              );
            })}
          </ol>
          <label htmlFor="import-progress-bar">{t("imports.progressLabel")}</label>
          <progress
            id="import-progress-bar"
            max={1}
            value={progress.fraction ?? undefined}
            aria-describedby="import-progress-status"
          />
          <p id="import-progress-status" role="status" aria-live="polite">
            {progress.fraction === null
              ? progress.label
              : t("imports.progressPercent", {
                  phase: progress.label,
                  percent: format.percent(Math.floor(progress.fraction * 10) / 10, 0),
                })}
            {progress.rows ? ` – ${t("imports.progressRows", { rows: format.number(progress.rows) })}` : null}
          </p>
        </section>
      ) : null}

      {outcome ? <ImportResult outcome={outcome} /> : null}
    </>
  );
}
