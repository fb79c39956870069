"""One small probe package per Table Schema and Data Package property: a CSV and the property under test.

Each probe is ``(id, resource properties, schema fields or schema, CSV text)``; ``test_probes``
checks each with the exact output a user sees, and against frictionless' findings.
"""

from __future__ import annotations

S = {"name": "s", "type": "string"}
V2 = "v2"  # in a probe's resource properties: the package declares Data Package v2
STRICT = "strict"  # in a probe's resource properties: the package opts into pubkit:strict
KNOWN_GAPS = {  # probe -> why its parity with frictionless does not hold yet
}  # a plain first column, so that every probe row has a key-like cell
DIVERGENCES = {  # probe -> where pubkit reports what frictionless does not, with the standard's words (README)
    "categories-not-a-list": 'the standard: categories "MUST be an array"; frictionless 5.21 reads any value',
    "categories-on-a-number": 'the standard allows categories on "string" and "integer" fields; frictionless any',
    "categories-repeated": 'the standard: each category value "MUST be unique"; frictionless does not check it',
}


def fields(*more: dict) -> dict:
    return {"fields": [S, *more]}


FILES = {  # probe -> the files it needs besides p.csv and its descriptor
    "dialect-in-its-own-file": {"dialect.json": '{"delimiter": ";"}'},
    "dialect-file-missing": {},
}

PROBES = [
    # Dialect ------------------------------------------------------------------------------
    (
        "dialect-in-its-own-file",
        {"dialect": "dialect.json"},
        fields({"name": "n", "type": "integer"}),
        "s;n\na;1\nb;x\n",
    ),
    ("dialect-file-missing", {"dialect": "dialect.json"}, fields({"name": "n", "type": "integer"}), "s;n\na;1\n"),
    ("dialect-delimiter", {"dialect": {"delimiter": ";"}}, fields({"name": "n", "type": "integer"}), "s;n\na;1\nb;x\n"),
    ("dialect-quote-char", {"dialect": {"quoteChar": "'"}}, fields({"name": "t"}), "s,t\na,'x,y'\n"),
    (
        "dialect-escape-char",
        {"dialect": {"doubleQuote": False, "escapeChar": "\\"}},
        fields({"name": "t"}),
        's,t\na,"x\\"y"\n',
    ),
    (
        "dialect-skip-initial-space",
        {"dialect": {"skipInitialSpace": True}},
        fields({"name": "n", "type": "integer"}),
        "s, n\na, 1\n",
    ),
    (
        "dialect-case-insensitive-header",
        {"dialect": {"caseSensitiveHeader": False}},
        fields({"name": "n"}),
        "S,N\na,1\n",
    ),
    ("dialect-case-sensitive-header", {"dialect": {"caseSensitiveHeader": True}}, fields({"name": "n"}), "s,n\na,1\n"),
    ("dialect-line-terminator", {"dialect": {"lineTerminator": "\r\n"}}, fields({"name": "n"}), "s,n\r\na,1\r\n"),
    ("dialect-header-false", {"dialect": {"header": False}}, fields({"name": "n", "type": "integer"}), "a,1\nb,x\n"),
    (
        "dialect-header-rows",
        {"dialect": {"headerRows": [1, 2]}},
        {"fields": [{"name": "s a"}, {"name": "n b", "type": "integer"}]},
        "s,n\na,b\nx,1\ny,z\n",
    ),
    (
        "dialect-header-join",
        {"dialect": {"headerRows": [1, 2], "headerJoin": "-"}},
        {"fields": [{"name": "s-a"}, {"name": "n-b"}]},
        "s,n\na,b\nx,1\n",
    ),
    (
        "dialect-comment-char",
        {"dialect": {"commentChar": "#"}},
        fields({"name": "n", "type": "integer"}),
        "s,n\n#x,y\na,1\nb,z\n",
    ),
    (
        "dialect-comment-rows",
        {"dialect": {"commentRows": [2]}},
        fields({"name": "n", "type": "integer"}),
        "s,n\nc,y\na,1\n",
    ),
    (
        "dialect-null-sequence",
        {"dialect": {"nullSequence": "\\N"}},
        fields({"name": "n", "type": "integer"}),
        "s,n\na,\\N\n",
    ),
    # Encoding and integrity ---------------------------------------------------------------
    ("encoding-latin1", {"encoding": "latin1"}, fields({"name": "t"}), "s,t\na,caf\xe9\n".encode("latin1")),
    ("encoding-gb18030", {"encoding": "gb18030"}, fields({"name": "t"}), "s,t\na,中文\n".encode("gb18030")),
    ("encoding-utf-8-sig", {"encoding": "utf-8-sig"}, fields({"name": "t"}), "\ufeffs,t\na,b\n".encode()),
    ("utf-8-bom-undeclared", {}, fields({"name": "t"}), "\ufeffs,t\na,b\n".encode()),
    ("bytes-mismatch", {"bytes": 3}, fields({"name": "t"}), "s,t\na,b\n"),
    ("hash-md5-bare-mismatch", {"hash": "00000000000000000000000000000000"}, fields({"name": "t"}), "s,t\na,b\n"),
    (
        "hash-sha256-match",
        {"hash": "sha256:5e5254a8a84c7bf17e3e67633eb3756a639d67ca4a4b3d16ce971553a0c79460"},
        fields({"name": "t"}),
        "s,t\na,b\n",
    ),
    # Types ----------------------------------------------------------------------------------
    (
        "number-decimal-char",
        {},
        fields({"name": "n", "type": "number", "decimalChar": ",", "groupChar": "."}),
        's,n\na,"1.234,5"\nb,x\n',
    ),
    (
        "number-bare-number-false",
        {},
        fields({"name": "n", "type": "number", "bareNumber": False}),
        "s,n\na,€95\nb,95%\n",
    ),
    ("number-inf", {}, fields({"name": "n", "type": "number"}), "s,n\nb,INF\nc,-INF\n"),
    ("number-nan", {}, fields({"name": "n", "type": "number"}), "s,n\na,NaN\n"),
    ("number-nan-spellings", {}, fields({"name": "n", "type": "number"}), "s,n\na,nan\nb,-NaN\nc,\nd,sNaN\ne,NaNa\n"),
    (
        "number-nan-constraints",
        {},
        fields({"name": "n", "type": "number", "constraints": {"required": True, "minimum": 0, "unique": True}}),
        "s,n\na,NaN\nb,NaN\nc,-1\nd,\n",
    ),
    (
        "number-nan-key",
        {},
        {**fields({"name": "n", "type": "number"}), "primaryKey": ["n"]},
        "s,n\na,NaN\nb,NaN\nc,1\n",
    ),
    ("number-nan-strict", {STRICT: True}, fields({"name": "n", "type": "number"}), "s,n\na,NaN\n"),
    ("integer-leading-space", {}, fields({"name": "n", "type": "integer"}), "s,n\na, 1\nb,1.0\n"),
    (
        "boolean-true-false-values",
        {},
        fields({"name": "b", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}),
        "s,b\na,yes\nb,no\nc,true\n",
    ),
    (
        "date-format-pattern",
        {},
        fields({"name": "d", "type": "date", "format": "%d/%m/%Y"}),
        "s,d\na,23/09/2022\nb,2022-09-23\n",
    ),
    (
        "date-format-any",
        {},
        fields({"name": "d", "type": "date", "format": "any"}),
        "s,d\na,23 September 2022\nb,nonsense\n",
    ),
    (
        "datetime-default",
        {},
        fields({"name": "t", "type": "datetime"}),
        "s,t\na,2022-09-24T07:31:00+08:00\nb,2022-09-24\n",
    ),
    (
        "datetime-format-pattern",
        {},
        fields({"name": "t", "type": "datetime", "format": "%Y-%m-%d %H.%M.%S"}),
        "s,t\na,2022-05-25 10.39.15\n",
    ),
    ("time-default", {}, fields({"name": "t", "type": "time"}), "s,t\na,08:30:00\nb,8.30\n"),
    ("year", {}, fields({"name": "y", "type": "year"}), "s,y\na,2022\nb,22\n"),
    ("yearmonth", {}, fields({"name": "m", "type": "yearmonth"}), "s,m\na,2022-03\nb,2022-13\n"),
    ("duration", {}, fields({"name": "d", "type": "duration"}), "s,d\na,P1Y2M\nb,one year\n"),
    ("geopoint-default", {}, fields({"name": "g", "type": "geopoint"}), 's,g\na,"10,20"\nb,north\n'),
    ("geopoint-array", {}, fields({"name": "g", "type": "geopoint", "format": "array"}), 's,g\na,"[10,20]"\n'),
    (
        "geopoint-object",
        {},
        fields({"name": "g", "type": "geopoint", "format": "object"}),
        's,g\na,"{""lon"": 10, ""lat"": 20}"\n',
    ),
    (
        "geojson",
        {},
        fields({"name": "g", "type": "geojson"}),
        's,g\na,"{""type"": ""Point"", ""coordinates"": [1, 2]}"\nb,{}\n',
    ),
    ("object", {}, fields({"name": "o", "type": "object"}), 's,o\na,"{""k"": 1}"\nb,[1]\n'),
    ("array", {}, fields({"name": "a", "type": "array"}), 's,a\na,"[1, 2]"\nb,"{}"\n'),
    ("any", {}, fields({"name": "x", "type": "any"}), "s,x\na,whatever\n"),
    ("string-format-email", {}, fields({"name": "e", "format": "email"}), "s,e\na,a@example.org\nb,not-an-email\n"),
    ("string-format-uri", {}, fields({"name": "u", "format": "uri"}), "s,u\na,https://example.org\nb,example\n"),
    (
        "string-format-uuid",
        {},
        fields({"name": "u", "format": "uuid"}),
        "s,u\na,7c0e5f9e-3b1d-4a52-9d4e-2f6a1c8b5e21\nb,x\n",
    ),
    (
        "missing-values-schema",
        {},
        {"fields": [S, {"name": "n", "type": "number"}], "missingValues": ["", "NA"]},
        "s,n\na,NA\nb,n/a\n",
    ),
    ("missing-values-field", {}, fields({"name": "n", "type": "number", "missingValues": ["-"]}), "s,n\na,-\nb,\n"),
    # Constraints ------------------------------------------------------------------------------
    ("constraint-required", {}, fields({"name": "t", "constraints": {"required": True}}), "s,t\na,\n"),
    ("constraint-unique", {}, fields({"name": "t", "constraints": {"unique": True}}), "s,t\na,x\nb,x\n"),
    (
        "constraint-min-max-length",
        {},
        fields({"name": "t", "constraints": {"minLength": 2, "maxLength": 3}}),
        "s,t\na,x\nb,xxxx\n",
    ),
    (
        "constraint-minimum-maximum",
        {},
        fields({"name": "n", "type": "integer", "constraints": {"minimum": 1, "maximum": 9}}),
        "s,n\na,0\nb,10\n",
    ),
    (
        "constraint-exclusive-v1",
        {},
        fields({"name": "n", "type": "number", "constraints": {"exclusiveMinimum": 0}}),
        "s,n\na,0\n",
    ),
    (
        "constraint-exclusive",
        {V2: True},
        fields({"name": "n", "type": "number", "constraints": {"exclusiveMinimum": 0, "exclusiveMaximum": 1}}),
        "s,n\na,0\nb,1\nc,0.5\n",
    ),
    (
        "constraint-minimum-as-text",
        {},
        fields({"name": "n", "type": "integer", "constraints": {"minimum": "5"}}),
        "s,n\na,4\n",
    ),
    (
        "constraint-date-bounds",
        {},
        fields({"name": "d", "type": "date", "constraints": {"minimum": "2022-01-01"}}),
        "s,d\na,2021-12-31\n",
    ),
    ("constraint-pattern", {}, fields({"name": "t", "constraints": {"pattern": "[a-z]+"}}), "s,t\na,abc\nb,ABC\n"),
    ("constraint-enum", {}, fields({"name": "t", "constraints": {"enum": ["x", "y"]}}), "s,t\na,x\nb,z\n"),
    (
        "constraint-enum-integer-as-text",
        {},
        fields({"name": "n", "type": "integer", "constraints": {"enum": ["1", "2"]}}),
        "s,n\na,1\nb,3\n",
    ),
    (
        "constraint-not-supported",
        {},
        fields({"name": "n", "type": "integer", "constraints": {"maxLength": 2}}),
        "s,n\na,1\n",
    ),
    (
        "constraint-json-schema",
        {},
        fields({"name": "o", "type": "object", "constraints": {"jsonSchema": {"type": "object"}}}),
        's,o\na,"{}"\n',
    ),
    # Keys -----------------------------------------------------------------------------------
    ("primary-key-string", {}, {**fields({"name": "n"}), "primaryKey": "s"}, "s,n\na,1\na,2\n,3\n"),
    ("primary-key-list", {}, {**fields({"name": "n"}), "primaryKey": ["s", "n"]}, "s,n\na,1\na,1\nb,1\n"),
    (
        "foreign-key-self",
        {},
        {
            **fields({"name": "parent"}),
            "primaryKey": "s",
            "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "s"}}],
        },
        "s,parent\na,\nb,a\nc,z\n",
    ),
    ("unique-keys", {V2: True}, {**fields({"name": "n"}), "uniqueKeys": [["s", "n"]]}, "s,n\na,1\na,1\n"),
    (
        "unique-keys-strict",
        {V2: True, STRICT: True},
        {**fields({"name": "n"}), "uniqueKeys": [["s", "n"]]},
        "s,n\na,1\na,1\nb,\nb,\n",
    ),
    ("inline-data-rows", {"data": [["s", "n"], ["a", 1], ["b", "x"]]}, fields({"name": "n", "type": "integer"}), ""),
    (
        "inline-data-objects",
        {"data": [{"s": "a", "n": 1}, {"s": "b", "n": "x"}]},
        fields({"name": "n", "type": "integer"}),
        "",
    ),
    (
        "integer-beyond-int64",
        {},
        fields({"name": "n", "type": "integer"}),
        "s,n\na,99999999999999999999\nb,-9223372036854775809\nc,1\n",
    ),
    (
        "valid-json-types",
        {},
        fields({"name": "a", "type": "array"}, {"name": "o", "type": "object"}, {"name": "g", "type": "geojson"}),
        's,a,o,g\na,"[1, 2]","{""k"": 1}","{""type"": ""Point"", ""coordinates"": [1, 2]}"\n',
    ),
    ("valid-list", {V2: True}, fields({"name": "l", "type": "list"}), 's,l\na,"1,2"\n'),
    (
        "list-item-type-delimiter",
        {V2: True},
        fields({"name": "l", "type": "list", "delimiter": ";", "itemType": "integer"}),
        "s,l\na,1;2;3\nb,4;x\n",
    ),
    (
        "valid-list-item-type",
        {V2: True},
        fields(
            {"name": "l", "type": "list", "delimiter": ";", "itemType": "number"},
            {"name": "b", "type": "list", "itemType": "boolean"},
        ),
        's,l,b\na,1.5;2;-3,"true,false"\nb,4,\n',
    ),
    (
        "valid-time-types",
        {},
        fields(
            {"name": "t", "type": "time"},
            {"name": "m", "type": "yearmonth"},
            {"name": "y", "type": "year"},
            {"name": "d", "type": "duration"},
        ),
        "s,t,m,y,d\na,08:30:00,2022-03,2022,P1Y2M\n",
    ),
    (
        "hint-decimal-comma-strict",
        {STRICT: True},
        fields({"name": "n", "type": "number"}),
        's,n\na,"0,45"\nb,"2,000"\nc,"1,234.5"\n',
    ),
    ("hint-no-such-day", {}, fields({"name": "d", "type": "date"}), "s,d\na,2022-02-30\nb,23/09/2022\n"),
    # Found on packages of others (#22) --------------------------------------------------------
    (
        "foreign-key-self-resource-omitted",
        {V2: True},
        {
            **fields({"name": "parent"}),
            "primaryKey": "s",
            "foreignKeys": [{"fields": "parent", "reference": {"fields": "s"}}],
        },
        "s,parent\na,\nb,a\nc,z\n",
    ),
    ("format-a-type-does-not-have", {}, fields({"name": "d", "format": "%Y-%m-%d"}), "s,d\na,2020-01-01\n"),
    (
        "dialect-semicolon-detected",
        {},
        fields({"name": "year", "type": "integer"}, {"name": "value", "type": "integer"}),
        "s;year;value\nUSA;2023;2\nFRA;2023;x\n",
    ),
    (
        "missing-values-objects-v2",
        {V2: True},
        {**fields({"name": "n", "type": "integer"}), "missingValues": [{"value": "NA", "label": "not available"}]},
        "s,n\na,NA\nb,2\n",
    ),
    (
        "missing-values-objects-v1",
        {},
        {**fields({"name": "n", "type": "integer"}), "missingValues": [{"value": "NA", "label": "not available"}]},
        "s,n\na,NA\nb,2\n",
    ),
    # fieldsMatch (Table Schema v2): how labels pair with fields ---------------------------------
    *[
        (f"fields-match-{mode}-{case}", {V2: True}, {**schema, "fieldsMatch": mode}, text)
        for mode in ("exact", "equal", "subset", "superset", "partial")
        for case, schema, text in (
            ("reordered", fields({"name": "n", "type": "integer"}), "n,s\n1,a\nx,b\n"),
            ("extra-label", fields(), "s,z\na,1\n"),
            ("missing-field", fields({"name": "n", "type": "integer"}), "s\na\n"),
            (
                "missing-required",
                fields({"name": "n", "type": "integer", "constraints": {"required": True}}),
                "s\na\n",
            ),
            ("no-label-matches", fields({"name": "n"}), "x,y\n1,2\n"),
            ("repeated-label", fields({"name": "n"}), "s,n,s\na,1,b\n"),
            ("short-row", fields({"name": "n", "type": "integer"}), "n,z,s\n1,2,a\n3\n"),
        )
    ],
    ("fields-match-unknown", {V2: True}, {**fields(), "fieldsMatch": "bogus"}, "s\na\n"),
    # categories (Table Schema v2) ---------------------------------------------------------------
    ("categories-values", {V2: True}, fields({"name": "c", "categories": ["x", "y"]}), "s,c\na,x\nb,z\nc,\n"),
    (
        "categories-objects-ordered",
        {V2: True},
        fields(
            {
                "name": "c",
                "categories": [{"value": "lo", "label": "low"}, {"value": "hi", "label": "high"}],
                "categoriesOrdered": True,
            }
        ),
        "s,c\na,hi\nb,lo\nc,mid\n",
    ),
    (
        "categories-integer",
        {V2: True},
        fields({"name": "c", "type": "integer", "categories": [{"value": 1, "label": "one"}, {"value": 2}]}),
        "s,c\na,2\nb,1\nc,3\n",
    ),
    ("categories-strict", {V2: True, STRICT: True}, fields({"name": "c", "categories": ["x", "y"]}), "s,c\na,x\nb,z\n"),
    ("categories-not-a-list", {V2: True}, fields({"name": "c", "categories": "x"}), "s,c\na,x\n"),
    (
        "categories-on-a-number",
        {V2: True},
        fields({"name": "c", "type": "number", "categories": [1.5]}),
        "s,c\na,1.5\n",
    ),
    ("categories-repeated", {V2: True}, fields({"name": "c", "categories": ["x", "x"]}), "s,c\na,x\n"),
]
