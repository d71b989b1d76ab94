import { describe, expect, it } from "vitest";
import { isDdlQuery, isReadOnlyQuery, nativePasswordHash, parseClientError, parseXmlResults, redact, sqlIdent, sqlString } from "../../../src/modules/mysql-output.js";

// Verbatim output of MariaDB 10.11's `mysql --batch --xml` for:
//   SELECT 1 AS a, NULL AS b, 'x<y&"z<TAB>tab<NL>nl' AS `c d`; SELECT 1 FROM DUAL WHERE 0;
//   DO 1; SELECT 'NULL' AS n UNION SELECT '' ;
const XML = `<?xml version="1.0"?>

<resultset statement="SELECT 1 AS a, NULL AS b, 'x&lt;y&amp;&quot;z\ttab
nl' AS \`c d\`" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <row>
\t<field name="a">1</field>
\t<field name="b" xsi:nil="true" />
\t<field name="c d">x&lt;y&amp;&quot;z\ttab
nl</field>
  </row>
</resultset>
<?xml version="1.0"?>

<resultset statement="SELECT 1 FROM DUAL WHERE 0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></resultset>
<?xml version="1.0"?>

<resultset statement="SELECT 'NULL' AS n UNION SELECT ''" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <row>
\t<field name="n">NULL</field>
  </row>

  <row>
\t<field name="n"></field>
  </row>
</resultset>
`;

describe("the client's XML output", () => {
  it("gives result sets in order, values exact, NULL apart from the string 'NULL'", () => {
    expect(parseXmlResults(XML)).toEqual([
      { rows: [{ a: "1", b: null, "c d": 'x<y&"z\ttab\nnl' }] },
      { rows: [] },
      { rows: [{ n: "NULL" }, { n: "" }] },
    ]);
  });

  it("markup-like text in a statement attribute does not open rows", () => {
    const xml = `<resultset statement="SELECT '&lt;row&gt;&lt;field name=&quot;x&quot;&gt;'" xmlns:xsi="x"></resultset>`;
    expect(parseXmlResults(xml)).toEqual([{ rows: [] }]);
  });

  it("nothing at all for statements without rows", () => {
    expect(parseXmlResults("")).toEqual([]);
  });
});

describe("the client's errors", () => {
  it("keeps the ERROR line onwards, not the echoed statement (it may hold a hash)", () => {
    const stderr = "--------------\nALTER USER 'a'@'h' IDENTIFIED VIA mysql_native_password USING '*ABC'\n--------------\n\nERROR 1064 (42000) at line 3: You have an error near 'USING '*ABC'' at line 1\n";
    expect(parseClientError(stderr)).toEqual({ code: 1064, line: 3, message: "ERROR 1064 (42000) at line 3: You have an error near 'USING '*ABC'' at line 1" });
  });

  it("connection errors have no line", () => {
    expect(parseClientError("ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)\n")).toEqual({
      code: 2002,
      message: "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)",
    });
  });

  it("other failures keep the tail of stderr", () => {
    expect(parseClientError("mysql: unknown option '--frobnicate'\n").message).toBe("mysql: unknown option '--frobnicate'");
  });

  it("redacts secrets, also in their SQL-escaped form", () => {
    expect(redact("near 'it\\'s' and it's", ["it's"])).toBe("near '********' and ********");
    expect(redact("nothing", [""])).toBe("nothing");
  });
});

describe("SQL literals", () => {
  it("quotes strings and identifiers", () => {
    expect(sqlString("a'b\\c")).toBe("'a\\'b\\\\c'");
    expect(sqlIdent("we`ird")).toBe("`we``ird`");
  });
});

describe("mysql_native_password hashes", () => {
  it("match the server's PASSWORD()", () => {
    // SELECT PASSWORD(...) on MariaDB 10.11.
    expect(nativePasswordHash("password")).toBe("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
    expect(nativePasswordHash("pw")).toBe("*D821809F681A40A6E379B50D0463EFAE20BDD122");
    expect(nativePasswordHash(`p'a"s\\s#;w rd\\n`)).toBe("*9C2209D14B7B6D924FCB0283851BC15095864A40");
    expect(nativePasswordHash("")).toBe("");
  });
});

describe("read-only queries", () => {
  it.each([
    ["SELECT 1", true],
    ["  select * from t", true],
    ["(SELECT 1) UNION (SELECT 2)", true],
    ["-- why\n/* note */ SHOW VARIABLES", true],
    ["DESC t", true],
    ["EXPLAIN SELECT 1", true],
    ["SELECT 1 INTO OUTFILE '/tmp/x'", false],
    ["SELECT a INTO @v FROM t", false],
    ["INSERT INTO t VALUES (1)", false],
    ["/*!40101 SET NAMES utf8 */", false],
    ["WITH x AS (SELECT 1) SELECT * FROM x", false],
    ["CREATE TABLE t (a INT)", false],
    // The client runs every statement of the text: a read followed by a write is not a read.
    ["SELECT 1; DELETE FROM t", false],
    ["SELECT 1;DELETE FROM t;", false],
    ["SELECT 1 /* ; */; -- trailing\n", true],
    ["SELECT 1;", true],
    ["SELECT ';' AS a, `x;y` FROM t WHERE b = 'it\\'s; fine'", true],
    ["SELECT 1 # ; DELETE\n", true],
  ])("%s -> %s", (q, ro) => {
    expect(isReadOnlyQuery(q)).toBe(ro);
  });
});

describe("isDdlQuery: schema statements count as changes whatever their row count", () => {
  it.each([
    ["CREATE TABLE t (a INT)", true],
    ["-- c\n drop table t", true],
    ["ALTER TABLE t ADD b INT", true],
    ["RENAME TABLE a TO b", true],
    ["TRUNCATE t", true],
    ["INSERT INTO t VALUES (1)", false],
    ["UPDATE t SET a = 1", false],
    ["SELECT 1", false],
  ])("%s -> %s", (q, ddl) => {
    expect(isDdlQuery(q)).toBe(ddl);
  });
});
