import { describe, expect, it } from "vitest";
import { detectDelimiter, readTable, TableError } from "./index";

const utf8 = (text: string) => new TextEncoder().encode(text);
const BOM = [0xef, 0xbb, 0xbf];

async function expectTableError(promise: Promise<unknown>, code: string, line?: number): Promise<TableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(TableError);
  const tableError = error as TableError;
  expect(tableError.code).toBe(code);
  if (line !== undefined) expect(tableError.line).toBe(line);
  expect(tableError.message.length).toBeGreaterThan(10);
  return tableError;
}

describe("readTable – CSV", () => {
  it("refuses a line longer than maxLineLength (default 64 K characters)", async () => {
    const refused = await readTable(new TextEncoder().encode(`a;b\n1;2\n${"x".repeat(70_000)}\n`)).then(
      () => null,
      (e: unknown) => e as TableError
    );
    expect(refused).toMatchObject({ code: "line_too_long", line: 3, params: { kb: 64 } });
    const fine = await readTable(new TextEncoder().encode(`a;b\n${"x".repeat(90)};2\n`), { maxLineLength: 100 });
    expect(fine.rows).toHaveLength(1);
  });

  it("reads a UTF-8 BOM, semicolon, CRLF file with quoted delimiters, quotes and newlines", async () => {
    const text =
      " Naam ;Gemeente;Bedrag\r\n" +
      '"Zorggroep ""Het Kompas""; locatie Noord";GM0014;"1.234,56"\r\n' +
      '"Regel een\r\nregel twee";GM0034;  \r\n' +
      "Jeugdhulp Oost;GM0037;12,50\r\n";
    const bytes = new Uint8Array([...BOM, ...utf8(text)]);
    const table = await readTable(bytes, {});
    expect(table.format).toBe("csv");
    expect(table.encoding).toBe("utf-8");
    expect(table.delimiter).toBe(";");
    expect(table.header).toEqual(["naam", "gemeente", "bedrag"]);
    expect(table.rows).toEqual([
      { line: 2, cells: { naam: 'Zorggroep "Het Kompas"; locatie Noord', gemeente: "GM0014", bedrag: "1.234,56" } },
      { line: 3, cells: { naam: "Regel een\nregel twee", gemeente: "GM0034", bedrag: null } },
      { line: 5, cells: { naam: "Jeugdhulp Oost", gemeente: "GM0037", bedrag: "12,50" } },
    ]);
  });

  it("decodes Windows-1252 bytes (€ and é) when the file is not valid UTF-8", async () => {
    // "omschrijving;bedrag\r\nCafé;€ 10,00\r\n" in Windows-1252
    const bytes = new Uint8Array([
      ...utf8("omschrijving;bedrag\r\nCaf"),
      0xe9,
      ...utf8(";"),
      0x80,
      ...utf8(" 10,00\r\n"),
    ]);
    const table = await readTable(bytes, {});
    expect(table.encoding).toBe("windows-1252");
    expect(table.delimiter).toBe(";");
    expect(table.rows).toEqual([{ line: 2, cells: { omschrijving: "Café", bedrag: "€ 10,00" } }]);
  });

  it("drops a UTF-8 BOM when the rest of the file turns out not to be UTF-8", async () => {
    const bytes = new Uint8Array([...BOM, ...utf8("naam;plaats\nJos"), 0xe9, ...utf8(";Delft\n")]);
    const table = await readTable(bytes, {});
    expect(table.encoding).toBe("windows-1252");
    expect(table.header).toEqual(["naam", "plaats"]);
    expect(table.rows[0]?.cells).toEqual({ naam: "José", plaats: "Delft" });
  });

  it("maps the whole Windows-1252 0x80–0x9F range (Node's decoder treats it as Latin-1)", async () => {
    // header "x", then: € ‚ ƒ „ … ‘ ’ “ ” – — ™ Ÿ
    const bytes = new Uint8Array([
      ...utf8("x\n"),
      0x80,
      0x82,
      0x83,
      0x84,
      0x85,
      0x91,
      0x92,
      0x93,
      0x94,
      0x96,
      0x97,
      0x99,
      0x9f,
    ]);
    const table = await readTable(bytes, {});
    expect(table.encoding).toBe("windows-1252");
    expect(table.rows[0]?.cells.x).toBe(
      "\u20ac\u201a\u0192\u201e\u2026\u2018\u2019\u201c\u201d\u2013\u2014\u2122\u0178"
    );
  });

  it("reads a comma-separated LF file without BOM; cells stay strings", async () => {
    const table = await readTable(utf8('code,year,amount\nGM0014,2024,"1,5"\nGM0034,2023,36000\n'), {
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
    const table = await readTable(utf8("a;b,c\n1;2,3\n"), { delimiter: "," });
    expect(table.delimiter).toBe(",");
    expect(table.header).toEqual(["a;b", "c"]);
    expect(table.rows[0]?.cells).toEqual({ "a;b": "1;2", c: "3" });
  });

  it("ignores delimiters inside quotes when detecting", () => {
    expect(detectDelimiter('"a;b;c",d,e\n1,2,3')).toBe(",");
    expect(detectDelimiter('"a,b,c";d;e\n1;2;3')).toBe(";");
    expect(detectDelimiter("a\n;;;;")).toBe(",");
  });

  it("skips empty lines and rows whose cells are all empty, keeping file line numbers", async () => {
    const table = await readTable(utf8("a;b\n\n1;2\n;\n \t; \n3;4"), {});
    expect(table.rows.map((r) => r.line)).toEqual([3, 6]);
  });

  it("drops unnamed trailing columns when they are empty (Excel export with trailing separators)", async () => {
    const table = await readTable(utf8("a;b;;\n1;2;;\n"), {});
    expect(table.header).toEqual(["a", "b"]);
    expect(table.rows[0]?.cells).toEqual({ a: "1", b: "2" });
  });

  it("rejects an unnamed column that holds values", async () => {
    await expectTableError(readTable(utf8("a;;c\n1;2;3\n"), {}), "no_header", 2);
  });

  it("returns no rows for a header-only file", async () => {
    const table = await readTable(utf8("municipality_code;year;inhabitants_0_17\r\n"), {});
    expect(table.header).toEqual(["municipality_code", "year", "inhabitants_0_17"]);
    expect(table.rows).toEqual([]);
  });

  it("rejects an empty file", async () => {
    await expectTableError(readTable(new Uint8Array(), {}), "empty");
    await expectTableError(readTable(new Uint8Array(BOM), {}), "empty");
    await expectTableError(readTable(utf8("\r\n  \n"), {}), "empty");
  });

  it("rejects a file whose first line has no column names", async () => {
    await expectTableError(readTable(utf8(";;\n1;2;3\n"), {}), "no_header", 1);
  });

  it("rejects duplicate column names (case-insensitively)", async () => {
    const error = await expectTableError(readTable(utf8("Year;amount;year\n1;2;3\n"), {}), "duplicate_column", 1);
    expect(error.column).toBe("year");
    expect(error.message).toContain('"year"');
  });

  it("reports an unclosed quote with the line where the row starts", async () => {
    const error = await expectTableError(
      readTable(utf8('a;b;c\r\n1;2;3\r\n4;"five;6\r\n7;8;9\r\n'), {}),
      "malformed",
      3
    );
    expect(error.message).toContain("line 3");
  });

  it("reports a wrong column count with its line number", async () => {
    const error = await expectTableError(
      readTable(utf8('a;b;c\n1;"two\nlines";3\n\n4;5;6\n7;8\n'), {}),
      "malformed",
      6
    );
    expect(error.message).toBe(
      "Line 6 has 2 columns, but the header has 3. Check for a missing or extra separator, or a value containing the separator that is not in quotes."
    );
    await expectTableError(readTable(utf8("a,b\n1,2,3\n"), {}), "malformed", 2);
  });

  it("reports a stray quote inside an unquoted value", async () => {
    await expectTableError(readTable(utf8('a;b\n1;2\n3;4 "x"\n'), {}), "malformed", 3);
  });

  it("rejects an old binary .xls file with a clear message", async () => {
    const error = await expectTableError(
      readTable(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), { fileName: "x.xls" }),
      "unreadable_xlsx"
    );
    expect(error.message).toContain(".xls");
  });
});
