import { describe, expect, it } from "vitest";
import { readTable, streamTable, TableError, type StreamedTable, type TableRow } from "./index";

const utf8 = (text: string) => new TextEncoder().encode(text);
const BOM = [0xef, 0xbb, 0xbf];

/** An `open` function over fixed bytes, cut into chunks of `chunkSize`; counts how often it is opened. */
function source(bytes: Uint8Array, chunkSize = 64 * 1024) {
  const stats = { opens: 0, returned: 0 };
  const open = () => {
    stats.opens++;
    return (async function* () {
      try {
        for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
      } finally {
        stats.returned++;
      }
    })();
  };
  return { open, stats };
}

async function collect(table: StreamedTable): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const row of table.rows) rows.push(row);
  return rows;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e
  );
}

async function expectTableError(promise: Promise<unknown>, code: string, line?: number): Promise<TableError> {
  const error = await caught(promise);
  expect(error).toBeInstanceOf(TableError);
  const tableError = error as TableError;
  expect(tableError.code).toBe(code);
  if (line !== undefined) expect(tableError.line).toBe(line);
  expect(tableError.message.length).toBeGreaterThan(10);
  return tableError;
}

/** Streams the whole file (header and rows); rejects with the first error. */
async function streamAll(bytes: Uint8Array, options: Parameters<typeof streamTable>[1] = {}, chunkSize?: number) {
  const table = await streamTable(source(bytes, chunkSize).open, options);
  const rows = await collect(table);
  return { format: table.format, delimiter: table.delimiter, encoding: table.encoding, header: table.header, rows };
}

describe("streamTable – same results as readTable", () => {
  it("reads a UTF-8 BOM, semicolon, CRLF file with quoted delimiters, quotes and newlines", async () => {
    const text =
      " Naam ;Gemeente;Bedrag\r\n" +
      '"Zorggroep ""Het Kompas""; locatie Noord";GM0014;"1.234,56"\r\n' +
      '"Regel een\r\nregel twee";GM0034;  \r\n' +
      "Jeugdhulp Oost;GM0037;12,50\r\n";
    const bytes = new Uint8Array([...BOM, ...utf8(text)]);
    for (const chunkSize of [1, 2, 3, 7, 1024]) {
      const table = await streamAll(bytes, {}, chunkSize);
      expect(table).toEqual({
        format: "csv",
        delimiter: ";",
        encoding: "utf-8",
        header: ["naam", "gemeente", "bedrag"],
        rows: [
          {
            line: 2,
            cells: { naam: 'Zorggroep "Het Kompas"; locatie Noord', gemeente: "GM0014", bedrag: "1.234,56" },
          },
          { line: 3, cells: { naam: "Regel een\nregel twee", gemeente: "GM0034", bedrag: null } },
          { line: 5, cells: { naam: "Jeugdhulp Oost", gemeente: "GM0037", bedrag: "12,50" } },
        ],
      });
    }
  });

  it("decodes Windows-1252 bytes (€ and é) when the file is not valid UTF-8", async () => {
    const bytes = new Uint8Array([
      ...utf8("omschrijving;bedrag\r\nCaf"),
      0xe9,
      ...utf8(";"),
      0x80,
      ...utf8(" 10,00\r\n"),
    ]);
    for (const chunkSize of [1, 5, 100]) {
      const table = await streamAll(bytes, {}, chunkSize);
      expect(table.encoding).toBe("windows-1252");
      expect(table.delimiter).toBe(";");
      expect(table.rows).toEqual([{ line: 2, cells: { omschrijving: "Café", bedrag: "€ 10,00" } }]);
    }
  });

  it("drops a UTF-8 BOM when the rest of the file turns out not to be UTF-8, even when split over chunks", async () => {
    const bytes = new Uint8Array([...BOM, ...utf8("naam;plaats\nJos"), 0xe9, ...utf8(";Delft\n")]);
    for (const chunkSize of [1, 2, 4, 100]) {
      const table = await streamAll(bytes, {}, chunkSize);
      expect(table.encoding).toBe("windows-1252");
      expect(table.header).toEqual(["naam", "plaats"]);
      expect(table.rows[0]?.cells).toEqual({ naam: "José", plaats: "Delft" });
    }
  });

  it("maps the whole Windows-1252 0x80–0x9F range", async () => {
    const bytes = new Uint8Array([
      ...utf8("x\n"),
      ...[0x80, 0x82, 0x83, 0x84, 0x85, 0x91, 0x92, 0x93, 0x94, 0x96, 0x97, 0x99, 0x9f],
    ]);
    const table = await streamAll(bytes, {}, 3);
    expect(table.rows[0]?.cells.x).toBe("\u20ac\u201a\u0192\u201e\u2026\u2018\u2019\u201c\u201d\u2013\u2014\u2122\u0178");
  });

  it("keeps UTF-8 characters that are split across chunks", async () => {
    const table = await streamAll(utf8("naam\nJosé € 😀\n"), {}, 1);
    expect(table.encoding).toBe("utf-8");
    expect(table.rows[0]?.cells.naam).toBe("José € 😀");
  });

  it("treats a UTF-8 sequence cut off at the very end of the file as Windows-1252", async () => {
    const table = await streamAll(new Uint8Array([...utf8("a\nx"), 0xc3]), {}, 2);
    expect(table.encoding).toBe("windows-1252");
    expect(table.rows[0]?.cells.a).toBe("xÃ");
  });

  it("reads a comma-separated LF file without BOM; cells stay strings", async () => {
    const table = await streamAll(utf8('code,year,amount\nGM0014,2024,"1,5"\nGM0034,2023,36000\n'), {
      fileName: "data.csv",
    });
    expect(table.delimiter).toBe(",");
    expect(table.encoding).toBe("utf-8");
    expect(table.header).toEqual(["code", "year", "amount"]);
    expect(table.rows).toEqual([
      { line: 2, cells: { code: "GM0014", year: "2024", amount: "1,5" } },
      { line: 3, cells: { code: "GM0034", year: "2023", amount: "36000" } },
    ]);
  });

  it("lets the delimiter option override detection", async () => {
    const table = await streamAll(utf8("a;b,c\n1;2,3\n"), { delimiter: "," });
    expect(table.delimiter).toBe(",");
    expect(table.header).toEqual(["a;b", "c"]);
    expect(table.rows[0]?.cells).toEqual({ "a;b": "1;2", c: "3" });
  });

  it("detects the delimiter from a header line that is split over many chunks and contains quoted separators", async () => {
    const table = await streamAll(utf8('"a;b;c",d,e\r\n1,2,3\r\n'), {}, 2);
    expect(table.delimiter).toBe(",");
    expect(table.header).toEqual(["a;b;c", "d", "e"]);
  });

  it("normalises a CRLF split between two chunks to one line break, and lone CRs too", async () => {
    // chunk size 4: "a;b\r" | "\n1;2" | "\r\n3;" ...
    const table = await streamAll(utf8("a;b\r\n1;2\r\n3;4\r5;6\r"), {}, 4);
    expect(table.rows).toEqual([
      { line: 2, cells: { a: "1", b: "2" } },
      { line: 3, cells: { a: "3", b: "4" } },
      { line: 4, cells: { a: "5", b: "6" } },
    ]);
  });

  it("skips empty lines and rows whose cells are all empty, keeping file line numbers", async () => {
    const table = await streamAll(utf8("a;b\n\n1;2\n;\n \t; \n3;4"), {}, 3);
    expect(table.rows.map((r) => r.line)).toEqual([3, 6]);
  });

  it("drops unnamed trailing columns when they are empty", async () => {
    const table = await streamAll(utf8("a;b;;\n1;2;;\n"), {});
    expect(table.header).toEqual(["a", "b"]);
    expect(table.rows[0]?.cells).toEqual({ a: "1", b: "2" });
  });

  it("rejects an unnamed column that holds values when the row is reached", async () => {
    const table = await streamTable(source(utf8("a;;c\n1;;3\n4;5;6\n")).open, {});
    const rows: TableRow[] = [];
    const error = await caught(
      (async () => {
        for await (const row of table.rows) rows.push(row);
      })()
    );
    expect(rows).toEqual([{ line: 2, cells: { a: "1", c: "3" } }]);
    expect(error).toBeInstanceOf(TableError);
    expect(error).toMatchObject({ code: "no_header", line: 3 });
  });

  it("returns no rows for a header-only file", async () => {
    const table = await streamAll(utf8("municipality_code;year;inhabitants_0_17\r\n"), {});
    expect(table.header).toEqual(["municipality_code", "year", "inhabitants_0_17"]);
    expect(table.rows).toEqual([]);
  });

  it("rejects an empty file", async () => {
    await expectTableError(streamAll(new Uint8Array()), "empty");
    await expectTableError(streamAll(new Uint8Array(BOM)), "empty");
    await expectTableError(streamAll(utf8("\r\n  \n")), "empty");
    await expectTableError(streamAll(utf8("\n\n")), "empty");
    await expectTableError(streamAll(utf8("  \n \t \n\u00a0\n"), {}, 1), "empty");
  });

  it("rejects a file whose first line has no column names", async () => {
    await expectTableError(streamAll(utf8(";;\n1;2;3\n")), "no_header", 1);
    await expectTableError(streamAll(utf8("  \n\n x\n")), "no_header", 1);
  });

  it("rejects duplicate column names (case-insensitively)", async () => {
    const error = await expectTableError(streamAll(utf8("Year;amount;year\n1;2;3\n")), "duplicate_column", 1);
    expect(error.column).toBe("year");
    expect(error.message).toContain('"year"');
  });

  it("reports an unclosed quote with the line where the row starts", async () => {
    const error = await expectTableError(streamAll(utf8('a;b;c\r\n1;2;3\r\n4;"five;6\r\n7;8;9\r\n')), "malformed", 3);
    expect(error.message).toContain("line 3");
    await expectTableError(streamAll(utf8('a;b;c\n1;2;3\n\n\n4;"five;6\n7;8;9\n\n'), {}, 5), "malformed", 5);
    await expectTableError(streamAll(utf8('a;b;c\n1;2;3\n4;"five;6\n7;8;9')), "malformed", 3);
  });

  it("stops an unclosed quote at maxRowLength instead of reading the rest of the file into one value", async () => {
    const rest = "7;8;9\n".repeat(10_000);
    const error = await expectTableError(
      streamAll(utf8(`a;b;c\n1;2;3\n\n4;"five;6\n${rest}`), { maxRowLength: 1000 }, 512),
      "malformed",
      4
    );
    expect(error.message).toContain("line 4");
  });

  it("refuses a line longer than maxLineLength as soon as it is passed, without reading on", async () => {
    // A file without line breaks: 50,000 × 20 characters, refused after the first 64 K.
    const noBreaks = utf8(`a;b;c\n${"1;2;3 1;2;3 1;2;3 1;".repeat(50_000)}`);
    const { open, stats } = source(noBreaks, 16 * 1024);
    const table = await streamTable(open, {});
    const error = await expectTableError(collect(table), "line_too_long", 2);
    expect(error.message).toBe("Line 2 is longer than 64 KB; is this a CSV file with line breaks?");
    expect(error.params).toEqual({ kb: 64 });
    expect(stats.returned).toBe(2);
    // In the header too, and with a configured limit; lines up to the limit are fine.
    await expectTableError(streamAll(utf8(`${"a;".repeat(600)}a\n1\n`), { maxLineLength: 1000 }, 100), "line_too_long", 1);
    const { rows } = await streamAll(utf8(`a;b\r\n${"x".repeat(998)};y\r\n`), { maxLineLength: 1000 }, 7);
    expect(rows).toHaveLength(1);
  });

  it("reports a wrong column count with its line number", async () => {
    const error = await expectTableError(streamAll(utf8('a;b;c\n1;"two\nlines";3\n\n4;5;6\n7;8\n'), {}, 4), "malformed", 6);
    expect(error.message).toBe(
      "Line 6 has 2 columns, but the header has 3. Check for a missing or extra separator, or a value containing the separator that is not in quotes."
    );
    await expectTableError(streamAll(utf8("a,b\n1,2,3\n")), "malformed", 2);
  });

  it("reports a stray quote inside an unquoted value", async () => {
    await expectTableError(streamAll(utf8('a;b\n1;2\n3;4 "x"\n')), "malformed", 3);
  });

  it("refuses UTF-16, with or without a byte order mark, with one clear error (readTable too)", async () => {
    const text = "period;municipality_code\r\n2024-01;GM0014\r\n";
    const le = Uint8Array.from([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const be = Uint8Array.from([0xfe, 0xff, ...[...text].flatMap((c) => [0, c.charCodeAt(0)])]);
    const noBom = Uint8Array.from([...text].flatMap((c) => [c.charCodeAt(0), 0]));
    for (const bytes of [le, be, noBom]) {
      const error = await expectTableError(streamAll(bytes, {}, 5), "utf16");
      expect(error.message).toContain("save it as UTF-8 CSV");
      await expectTableError(readTable(bytes), "utf16");
    }
    // A short file that happens to hold NULs is not taken for UTF-16 when most bytes are text.
    await expectTableError(streamAll(utf8("a\u0000b;c\n1;2;3\n")), "malformed", 2);
  });

  it("refuses Excel files, by name or by magic bytes, without reading them as text", async () => {
    const xlsx = await expectTableError(streamAll(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2])), "unreadable_xlsx");
    expect(xlsx.message).toContain(".xlsx");
    await expectTableError(streamAll(utf8("a;b\n"), { fileName: "Data.XLSX" }), "unreadable_xlsx");
    const xls = await expectTableError(
      streamAll(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), {}, 1),
      "unreadable_xlsx"
    );
    expect(xls.message).toContain(".xls");
  });

  it("agrees with readTable on a set of tricky inputs, whatever the chunk size", async () => {
    const inputs: Uint8Array[] = [
      utf8("a;b\n1;2"),
      utf8("a;b\r\n1;2\r\n\r\n"),
      utf8('a,b\n"x\r\ny",2\n\n"",3\n'),
      utf8('a;b\n1;2\n"3\n\n;4";5\n6;7'),
      utf8("\n\na;b\n1;2\n"),
      utf8("\uFEFF\uFEFFa;b\n1;2\n"),
      new Uint8Array([...utf8("a;b\n"), 0x93, ...utf8("x"), 0x94, ...utf8(";2\r\n")]),
      utf8('a;b\n"1";"2"  \n'),
      utf8("a\n\u00a0\n"),
      utf8("a;b;c\n1;2\n"),
      utf8('a;b\n1;"2\n'),
      utf8('"a;b\n1;2\n'),
      utf8("x;;\n1;;\n2;3;\n"),
    ];
    for (const bytes of inputs) {
      const expected = await readTable(bytes, {}).then(
        (t) => ({ ok: true as const, t: { format: t.format, delimiter: t.delimiter, encoding: t.encoding, header: t.header, rows: t.rows } }),
        (e: TableError) => ({ ok: false as const, e: { code: e.code, line: e.line, message: e.message } })
      );
      for (const chunkSize of [1, 3, 8, 1 << 16]) {
        const actual = await streamAll(bytes, {}, chunkSize).then(
          (t) => ({ ok: true as const, t }),
          (e: TableError) => ({ ok: false as const, e: { code: e.code, line: e.line, message: e.message } })
        );
        expect(actual, `${JSON.stringify(new TextDecoder().decode(bytes))} in chunks of ${chunkSize}`).toEqual(expected);
      }
    }
  });
});

describe("streamTable – big files", () => {
  /** A generated file, produced chunk by chunk: it never exists in memory as a whole. */
  function generated(lineCount: number, makeLine: (n: number) => string, header: string) {
    const stats = { opens: 0, bytes: 0 };
    const open = () => {
      stats.opens++;
      return (async function* () {
        const encoder = new TextEncoder();
        let buffer = `${header}\r\n`;
        for (let n = 2; n <= lineCount; n++) {
          buffer += `${makeLine(n)}\r\n`;
          if (buffer.length >= 64 * 1024) {
            const bytes = encoder.encode(buffer);
            stats.bytes += bytes.length;
            yield bytes;
            buffer = "";
          }
        }
        const bytes = encoder.encode(buffer);
        stats.bytes += bytes.length;
        yield bytes;
      })();
    };
    return { open, stats };
  }

  it("streams a 200,000-line file with the right count and last line number, reading lazily", async () => {
    const { open, stats } = generated(
      200_000,
      (n) => `2024-01;GM0014;12345678;"Aanbieder ${n}; locatie";45A51;K${n};${n % 1000},50`,
      "period;municipality_code;provider_code;provider_name;product_code;client_key;amount"
    );
    const table = await streamTable(open, {});
    expect(stats.opens).toBe(2);
    expect(table.header).toHaveLength(7);

    let count = 0;
    let last: TableRow | undefined;
    let bytesAfterFirstRow = -1;
    for await (const row of table.rows) {
      if (count === 0) bytesAfterFirstRow = table.bytesRead();
      count++;
      last = row;
    }
    expect(count).toBe(199_999);
    expect(last?.line).toBe(200_000);
    expect(last?.cells).toMatchObject({ provider_name: "Aanbieder 200000; locatie", client_key: "K200000", amount: "0,50" });
    expect(bytesAfterFirstRow).toBeGreaterThan(0);
    expect(bytesAfterFirstRow).toBeLessThan(200 * 1024); // only the first chunk(s), not the whole file
    expect(table.bytesRead()).toBe(stats.bytes / 2); // both passes read the whole file once
  }, 60_000);

  it("decodes as Windows-1252 when the first non-ASCII byte is after 100 KB", async () => {
    const head = utf8("naam;plaats\r\n" + "Jan;Groningen\r\n".repeat(8_000)); // ≈ 120 KB of ASCII
    expect(head.length).toBeGreaterThan(100 * 1024);
    const bytes = new Uint8Array([...head, ...utf8("Jos"), 0xe9, ...utf8(";Caf"), 0xe9, ...utf8(" "), 0x80, ...utf8("\r\n")]);
    const { open, stats } = source(bytes, 16 * 1024);
    const table = await streamTable(open, {});
    expect(table.encoding).toBe("windows-1252");
    const rows = await collect(table);
    expect(stats.opens).toBe(2);
    expect(stats.returned).toBe(2);
    expect(rows).toHaveLength(8_001);
    expect(rows.at(-1)).toEqual({ line: 8_002, cells: { naam: "José", plaats: "Café €" } });
  });

  it("throws a malformed error for a wrong column count far into the file, after yielding every row before it", async () => {
    const { open } = generated(
      150_000,
      (n) => (n === 123_456 ? "a;b" : `${n};x;y`),
      "n;b;c"
    );
    const table = await streamTable(open, {});
    let count = 0;
    let lastLine = 0;
    const error = await caught(
      (async () => {
        for await (const row of table.rows) {
          count++;
          lastLine = row.line;
        }
      })()
    );
    expect(error).toBeInstanceOf(TableError);
    expect(error).toMatchObject({ code: "malformed", line: 123_456 });
    expect((error as TableError).message).toContain("Line 123456 has 2 columns, but the header has 3");
    expect(count).toBe(123_454);
    expect(lastLine).toBe(123_455);
  }, 60_000);

  it("releases the source when the caller stops early or calls close()", async () => {
    const bytes = utf8("a\n" + "x\n".repeat(100_000));
    const first = source(bytes, 1024);
    const table = await streamTable(first.open, {});
    for await (const row of table.rows) {
      expect(row.line).toBe(2);
      break;
    }
    expect(first.stats.returned).toBe(2);
    expect(table.bytesRead()).toBeLessThan(10 * 1024);

    const second = source(bytes, 1024);
    const unused = await streamTable(second.open, {});
    await unused.close();
    expect(second.stats.returned).toBe(2);
    await unused.close(); // idempotent
  });

  it("lets rows be iterated only once", async () => {
    const table = await streamTable(source(utf8("a\n1\n")).open, {});
    await collect(table);
    expect(() => table.rows[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it("passes on an error from the source itself", async () => {
    let opens = 0;
    const open = () =>
      (async function* () {
        opens++;
        yield utf8("a;b\n1;2\n");
        if (opens === 2) throw new Error("disk gone");
        yield utf8("3;4\n");
      })();
    const table = await streamTable(open, {});
    await expect(collect(table)).rejects.toThrow("disk gone");
  });
});
