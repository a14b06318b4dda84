#!/usr/bin/env python3
"""Write cthag's TOML conformance cases: valid/NAME.toml with valid/NAME.json (the decoded value
in toml-test's JSON form, keys sorted) and invalid/NAME.toml.

The expected values come from Python's tomllib (TOML 1.0), an implementation independent of
cthag's, except for the TOML 1.1 forms tomllib does not read (marked `expect=` below), whose
values are written out by hand.  Every case is also checked against cargo itself by
tests/cli/t38-toml.sh.  Run from anywhere: python3 tests/toml/make-cases.py
"""
import datetime
import json
import math
import os
import shutil
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- valid documents, by section of the spec ----
VALID = []


def valid(name, doc, expect=None):
    VALID.append((name, doc, expect))


def s(value):
    return {"type": "string", "value": value}


# Comments
valid("comment-only", "# a comment\n")
valid("comment-after-value", "a = 1 # a comment\n")
valid("comment-tab", "a = 1 #\tafter a tab\n")
valid("comment-everywhere", "# top\n[t] # header\nk = 1 # value\n# end\n")
valid("comment-unicode", "a = 1 # héllo ☃ 😀\n")
valid("comment-hash-in-string", 'a = "# not a comment"\n')
valid("comment-empty", "#\n#\n")
valid("comment-at-eof", "a = 1 # no newline")
valid("comment-del-free", "a = 1 # ~ is fine\n")
valid("comment-crlf", "# c\r\na = 1 # d\r\n")

# Whitespace and newlines
valid("doc-empty", "")
valid("doc-blank-lines", "\n\n\n")
valid("doc-crlf", "a = 1\r\nb = 2\r\n")
valid("doc-tabs", "\ta\t=\t1\t\n")
valid("doc-indented-header", "  [t]\n  k = 1\n")
valid("doc-no-final-newline", "a = 1")
valid("doc-spaces-around-equals", "a=1\nb   =   2\n")
valid("doc-blank-lines-between", "a = 1\n\n\n\nb = 2\n")
valid("doc-spaces-only-lines", "a = 1\n   \n\t\nb = 2\n")
valid("doc-crlf-blank-lines", "\r\n\r\na = 1\r\n\r\n")

# Keys
valid("key-bare", "key = 1\nbare_key = 2\nbare-key = 3\n1234 = 4\n")
valid("key-bare-dash-underscore", "-a = 1\n_b = 2\n-- = 3\n__ = 4\n")
valid("key-quoted-basic", '"127.0.0.1" = "v1"\n"character encoding" = "v2"\n"ʎǝʞ" = "v3"\n')
valid("key-quoted-literal", "'key2' = 1\n'quoted \"value\"' = 2\n")
valid("key-quoted-empty", '"" = 1\n')
valid("key-literal-empty", "'' = 1\n")
valid("key-dotted", 'name = "Orange"\nphysical.color = "orange"\nphysical.shape = "round"\nsite."google.com" = true\n')
valid("key-dotted-numbers", '3.14159 = "pi"\n')
valid("key-dotted-whitespace", "fruit.name = 1\nfruit. color = 2\nfruit . flavor = 3\n")
valid("key-quoted-escapes", '"a\\tb" = 1\n"\\u00e9" = 2\n"\\"q\\"" = 3\n')
valid("key-case-sensitive", "a = 1\nA = 2\n")
valid("key-dotted-quotes-mixed", "a.\"b\".'c' = 1\n")
valid("key-like-values", "true = 1\nfalse = 2\ninf = 3\nnan = 4\n1979-05-27 = 5\n")
valid("key-dotted-deep", "a.b.c.d.e = 1\n")
valid("key-dotted-siblings", "a.b.c = 1\na.b.d = 2\na.e = 3\n")
valid("key-quoted-dot", '"a.b" = 1\n"a" = 2\n')
valid("key-quoted-with-spaces", '" a " = 1\n')
valid("key-numeric-bare", "0 = 1\n007 = 2\n")
valid("key-dotted-in-table", "[t]\na.b = 1\na.c = 2\n")
valid("key-quoted-unicode-escape-8", '"\\U0001F600" = 1\n')
# toml-test's valid/key/quoted-unicode: a key may hold U+0000 and any other character.
valid("key-quoted-unicode",
      '"\\u0000" = "null"\n'
      "'\\u0000' = \"different key\"\n"
      '"\\u0008 \\u000c \\U00000041 \\u007f \\u0080 \\u00ff \\ud7ff \\ue000 \\uffff \\U00010000 '
      '\\U0010ffff" = "escaped key"\n\n'
      '"~ \u0080 \u00ff \ud7ff \ue000 \uffff \U00010000 \U0010ffff" = "basic key"\n'
      "'l ~ \u0080 \u00ff \ud7ff \ue000 \uffff \U00010000 \U0010ffff' = \"literal key\"\n")

# Basic strings
valid("string-basic", 'a = "hello"\n')
valid("string-escapes", 'a = "\\b\\t\\n\\f\\r\\"\\\\"\n')
valid("string-unicode-4", 'a = "\\u00E9\\u00e9"\n')
valid("string-unicode-8", 'a = "\\U0001F600"\n')
valid("string-raw-unicode", 'a = "é☃😀"\n')
valid("string-raw-tab", 'a = "x\ty"\n')
valid("string-empty", 'a = ""\n')
valid("string-nul-escape", 'a = "x\\u0000y"\n')
valid("string-apostrophe", "a = \"it's\"\n")
valid("string-unicode-max", 'a = "\\U0010FFFF"\n')
valid("string-unicode-around-surrogates", 'a = "\\uD7FF\\uE000"\n')
valid("string-del-escaped", 'a = "\\u007F"\n')
valid("string-backslash", 'a = "\\\\"\n')
valid("string-long", 'a = "' + "x" * 10000 + '"\n')
valid("string-escape-e", 'a = "\\e[0m"\n', expect={"a": s("\x1b[0m")})
valid("string-escape-x", 'a = "\\x41\\x7f\\xff\\x00"\n', expect={"a": s("A\x7f\xff\x00")})
valid("string-escape-x-case", 'a = "\\xAf\\xaF"\n', expect={"a": s("\xaf\xaf")})
valid("string-escape-x-e-mixed", 'a = "\\e\\x1b"\n', expect={"a": s("\x1b\x1b")})
valid("string-slash", 'a = "/"\n')
valid("string-many-escapes", 'a = "\\u0041\\U00000042\\t"\n')

# Multi-line basic strings
valid("mlstring-basic", 'a = """\nRoses are red\nViolets are blue"""\n')
valid("mlstring-first-crlf-trimmed", 'a = """\r\nx"""\n')
valid("mlstring-continuation", 'a = """\\\n  The quick \\\n\n  brown \\\n  fox."""\n')
valid("mlstring-continuation-blanks", 'a = """x \\   \n   y"""\n')
valid("mlstring-continuation-crlf", 'a = """x \\\r\n   y"""\n')
valid("mlstring-quotes-inside", 'a = """Here are two quotation marks: "". Simple enough."""\n')
valid("mlstring-quote-before-close", 'a = """Here are three quotation marks: ""\\"."""\n')
valid("mlstring-one-quote-at-end", 'a = """x""""\n')
valid("mlstring-two-quotes-at-end", 'a = """x"""""\n')
valid("mlstring-quote-at-start", 'a = """"This," she said, "is just a pointless statement.\""""\n')
valid("mlstring-escapes", 'a = """\\t\\u00e9\\n"""\n')
valid("mlstring-raw-tab", 'a = """x\ty"""\n')
valid("mlstring-crlf-content", 'a = """\r\nx\r\ny"""\n')
valid("mlstring-empty", 'a = """"""\n')
valid("mlstring-only-newline", 'a = """\n"""\n')
valid("mlstring-continuation-first", 'a = """\\\n   x"""\n')
valid("mlstring-escape-e-x", 'a = """\\e\\x21\n"""\n', expect={"a": s("\x1b!\n")})
valid("mlstring-hash", 'a = """# not a comment"""\n')
valid("mlstring-brackets", 'a = """[a]\nb = 1"""\n')
valid("mlstring-continuation-to-end", 'a = """x\\\n   """\n')

# Literal strings
valid("literal-windows-path", "a = 'C:\\Users\\nodejs\\templates'\n")
valid("literal-quotes", "a = 'Tom \"Dubs\" Preston-Werner'\n")
valid("literal-regex", "a = '<\\i\\c*\\s*>'\n")
valid("literal-tab", "a = 'x\ty'\n")
valid("literal-empty", "a = ''\n")
valid("literal-unicode", "a = 'é☃😀'\n")
valid("literal-backslash-u", "a = '\\u00e9'\n")

# Multi-line literal strings
valid("mlliteral-basic", "a = '''\nI [dw]on't need \\d{2} apples'''\n")
valid("mlliteral-one-quote-at-end", "a = '''x''''\n")
valid("mlliteral-two-quotes-at-end", "a = '''x'''''\n")
valid("mlliteral-first-crlf-trimmed", "a = '''\r\nx'''\n")
valid("mlliteral-lines", "a = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''\n")
valid("mlliteral-tab", "a = '''x\ty'''\n")
valid("mlliteral-empty", "a = ''''''\n")
valid("mlliteral-quote-inside", "a = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\n")
valid("mlliteral-apostrophes", "a = ''''That,' she said, 'is still pointless.''''\n")
valid("mlliteral-crlf", "a = '''\r\nx\r\ny'''\n")

# Integers
valid("int-decimal", "a = 99\nb = 42\nc = 0\nd = -17\n")
valid("int-plus", "a = +99\n")
valid("int-underscores", "a = 1_000\nb = 5_349_221\nc = 53_49_221\nd = 1_2_3_4_5\n")
valid("int-hex", "a = 0xDEADBEEF\nb = 0xdeadbeef\nc = 0xdead_beef\n")
valid("int-octal", "a = 0o01234567\nb = 0o755\n")
valid("int-binary", "a = 0b11010110\nb = 0b0\n")
valid("int-signed-zero", "a = +0\nb = -0\n")
valid("int-limits", "a = 9223372036854775807\nb = -9223372036854775808\n")
valid("int-hex-max", "a = 0x7FFFFFFFFFFFFFFF\n")
valid("int-octal-max", "a = 0o777777777777777777777\n")
valid("int-binary-max", "a = 0b" + "1" * 63 + "\n")
valid("int-radix-leading-zeros", "a = 0x00FF\nb = 0o0017\nc = 0b0001\n")
valid("int-hex-zero", "a = 0x0\nb = 0o0\nc = 0b0\n")
valid("int-hex-underscores", "a = 0xd_e_a_d\n")
valid("int-one", "a = 1\n")
valid("int-negative-underscore", "a = -1_000\n")
valid("int-in-array", "a = [1, -2, +3, 0x4, 0o5, 0b110]\n")

# Floats
valid("float-fractional", "a = +1.0\nb = 3.1415\nc = -0.01\n")
valid("float-exponent", "a = 5e+22\nb = 1e06\nc = -2E-2\n")
valid("float-both", "a = 6.626e-34\n")
valid("float-underscores", "a = 224_617.445_991_228\n")
valid("float-signed-zero", "a = -0.0\nb = +0.0\n")
valid("float-inf", "a = inf\nb = +inf\nc = -inf\n")
valid("float-nan", "a = nan\nb = +nan\nc = -nan\n")
valid("float-underflow", "a = 1e-400\n")
valid("float-zero", "a = 0.0\nb = 0e0\nc = 0E-0\n")
valid("float-max", "a = 1.7976931348623157e308\n")
valid("float-exponent-leading-zeros", "a = 1e01\nb = 1e-01\nc = 1e+001\n")
valid("float-fraction-underscores", "a = 3.14_15\n")
valid("float-upper-e", "a = 1E5\n")
valid("float-zero-int-part", "a = 0.1\nb = -0.5e3\n")
valid("float-exponent-underscore", "a = 1e1_0\n")
valid("float-long-fraction", "a = 0.1000000000000000055511151231257827\n")
valid("float-in-array", "a = [1.5, -inf, 2e3]\n")

# Booleans
valid("bool", "a = true\nb = false\n")
valid("bool-in-array", "a = [true, false]\n")

# Date-times
valid("datetime-offset", "a = 1979-05-27T07:32:00Z\n")
valid("datetime-offset-negative", "a = 1979-05-27T00:32:00-07:00\n")
valid("datetime-offset-fraction", "a = 1979-05-27T00:32:00.999999-07:00\n")
valid("datetime-space", "a = 1979-05-27 07:32:00Z\n")
valid("datetime-local", "a = 1979-05-27T07:32:00\nb = 1979-05-27T00:32:00.999999\n")
valid("date-local", "a = 1979-05-27\n")
valid("time-local", "a = 07:32:00\nb = 00:32:00.999999\n")
valid("datetime-lowercase", "a = 1979-05-27t07:32:00z\n")
valid("date-leap-day", "a = 2000-02-29\nb = 2004-02-29\n")
valid("datetime-zero-offsets", "a = 1987-07-05T17:45:00+00:00\nb = 1987-07-05T17:45:00-00:00\n")
valid("time-fraction-one-digit", "a = 07:32:00.5\n")
valid("time-fraction-long", "a = 07:32:00.1234567891\n")
valid("date-extremes", "a = 0001-01-01\nb = 9999-12-31\n")
valid("datetime-offset-max", "a = 1979-05-27T23:59:59+23:59\n")
valid("time-no-seconds", "a = 07:32\n", expect={"a": {"type": "time-local", "value": "07:32:00"}})
valid("datetime-local-no-seconds", "a = 1979-05-27T07:32\n",
      expect={"a": {"type": "datetime-local", "value": "1979-05-27T07:32:00"}})
valid("datetime-offset-no-seconds", "a = 1979-05-27 07:32Z\nb = 1979-05-27T07:32-05:00\n",
      expect={"a": {"type": "datetime", "value": "1979-05-27T07:32:00+00:00"},
              "b": {"type": "datetime", "value": "1979-05-27T07:32:00-05:00"}})
valid("datetime-leap-second", "a = 1990-12-31T23:59:60Z\nb = 23:59:60\n",
      expect={"a": {"type": "datetime", "value": "1990-12-31T23:59:60+00:00"},
              "b": {"type": "time-local", "value": "23:59:60"}})
valid("date-then-comment", "a = 1979-05-27 # a date\n")
valid("datetime-in-array", "a = [1979-05-27, 07:32:00, 1979-05-27T07:32:00Z]\n")
valid("datetime-midnight", "a = 2000-01-01T00:00:00Z\nb = 00:00:00\n")
valid("date-month-ends", "a = 2001-01-31\nb = 2001-04-30\nc = 2001-02-28\nd = 2001-12-31\n")

# Arrays
valid("array-integers", "integers = [ 1, 2, 3 ]\n")
valid("array-strings", 'colors = [ "red", "yellow", "green" ]\n')
valid("array-nested", "nested = [ [ 1, 2 ], [3, 4, 5] ]\n")
valid("array-nested-mixed", 'nested = [ [ 1, 2 ], ["a", "b", "c"] ]\n')
valid("array-string-kinds", "a = [ \"all\", 'strings', \"\"\"are the same\"\"\", '''type''' ]\n")
valid("array-mixed-numbers", "a = [ 0.1, 0.2, 0.5, 1, 2, 5 ]\n")
valid("array-mixed-tables", 'a = [ "Foo Bar <foo@example.com>", { name = "Baz Qux", email = "bazqux@example.com" } ]\n')
valid("array-multiline", "a = [\n  1,\n  2,\n]\n")
valid("array-comments", "a = [\n  1, # one\n  2 # two\n  , 3\n]\n")
valid("array-empty", "a = []\n")
valid("array-empty-space", "a = [ ]\n")
valid("array-empty-newline", "a = [\n]\n")
valid("array-empty-nested", "a = [[]]\n")
valid("array-empty-comment", "a = [ # c\n]\n")
valid("array-trailing-comma", "a = [1,2,3,]\n")
valid("array-inline-tables", "a = [{}, {}]\n")
valid("array-deep", "a = [[[[[1]]]]]\n")
valid("array-crlf", "a = [\r\n1,\r\n2\r\n]\r\n")
valid("array-large", "a = [" + ", ".join(str(i) for i in range(1000)) + "]\n")
valid("array-comment-before-comma", "a = [1 # c\n, 2]\n")

# Inline tables
valid("inline-names", 'name = { first = "Tom", last = "Preston-Werner" }\n')
valid("inline-point", "point = { x = 1, y = 2 }\n")
valid("inline-dotted", 'animal = { type.name = "pug" }\n')
valid("inline-empty", "a = {}\n")
valid("inline-empty-space", "a = { }\n")
valid("inline-nested", "a = { b = { c = { d = 1 } } }\n")
valid("inline-array", "a = { b = [1, 2] }\n")
valid("inline-dotted-siblings", "a = { b.c = 1, b.d = 2 }\n")
valid("inline-quoted-keys", "a = { \"x y\" = 1, 'z' = 2 }\n")
valid("inline-in-array", "a = [ { b = { c = 1 } } ]\n")
valid("inline-no-spaces", "a = {b=1,c=2}\n")
valid("inline-newlines", "a = {\n  x = 1,\n  y = 2\n}\n",
      expect={"a": {"x": {"type": "integer", "value": "1"}, "y": {"type": "integer", "value": "2"}}})
valid("inline-trailing-comma", "a = { x = 1, }\n", expect={"a": {"x": {"type": "integer", "value": "1"}}})
valid("inline-comments", "a = { # c\n  x = 1, # d\n  # e\n  y = 2,\n}\n",
      expect={"a": {"x": {"type": "integer", "value": "1"}, "y": {"type": "integer", "value": "2"}}})
valid("inline-empty-newline", "a = {\n}\n", expect={"a": {}})
valid("inline-cargo-dependency", 'serde = {\n version = "1",\n features = ["derive"],\n}\n',
      expect={"serde": {"version": s("1"), "features": [s("derive")]}})
valid("inline-crlf", "a = {\r\n x = 1\r\n}\r\n", expect={"a": {"x": {"type": "integer", "value": "1"}}})
valid("inline-nested-newlines", "a = {\n  b = {\n    c = 1,\n  },\n}\n",
      expect={"a": {"b": {"c": {"type": "integer", "value": "1"}}}})

# Tables
valid("table-empty", "[table]\n")
valid("table-two", '[table-1]\nkey1 = "some string"\nkey2 = 123\n[table-2]\nkey1 = "another string"\nkey2 = 456\n')
valid("table-quoted-name", '[dog."tater.man"]\ntype.name = "pug"\n')
valid("table-whitespace", "[a.b.c]\n[ d.e.f ]\n[ g .  h  . i ]\n[ j . \"ʞ\" . 'l' ]\n")
valid("table-super-after", "[x.y.z.w]\n\n[x]\n")
valid("table-sub-of-dotted", '[fruit]\napple.color = "red"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true\n')
valid("table-parent-first", "[a]\n[a.b]\n")
valid("table-child-first", "[a.b]\n[a]\n")
valid("table-child-first-keys", "[a.b]\nc = 1\n[a]\nd = 2\n")
valid("table-root-keys-first", "name = 1\n[t]\nk = 2\n")
valid("table-empty-quoted-name", '[""]\na = 1\n')
valid("table-quoted-spaces", '[ "a b" ]\nc = 1\n')
valid("table-sub-of-root-dotted", "a.b = 1\n[a.c]\nd = 2\n")
valid("table-numeric-names", "[1]\n[1.2]\n")
valid("table-key-named-like-table", "[a]\na = 1\n")
valid("table-after-inline-sibling", "[a]\nb = {c = 1}\n[a.d]\n")
valid("table-implicit-then-defined", "[a.b.c]\nx = 1\n[a.b]\ny = 2\n")
valid("table-many", "".join("[t%d]\nk = %d\n" % (i, i) for i in range(50)))
valid("table-header-comment", "[a] # comment\nb = 1\n")
valid("table-header-tabs", "[\ta\t.\tb\t]\n")
valid("table-array-of-tables-under-dotted", "[a]\nb.c = 1\n[[a.b.d]]\n")

# Arrays of tables
valid("aot-products", '[[products]]\nname = "Hammer"\nsku = 738594937\n\n[[products]]  # empty table within the array\n\n[[products]]\nname = "Nail"\nsku = 284758393\ncolor = "gray"\n')
valid("aot-fruits", '[[fruits]]\nname = "apple"\n[fruits.physical]\ncolor = "red"\nshape = "round"\n[[fruits.varieties]]\nname = "red delicious"\n[[fruits.varieties]]\nname = "granny smith"\n[[fruits]]\nname = "banana"\n[[fruits.varieties]]\nname = "plantain"\n')
valid("aot-two-empty", "[[a]]\n[[a]]\n")
valid("aot-nested-path", "[[a.b]]\nx = 1\n[[a.b]]\nx = 2\n")
valid("aot-dotted-keys", "[[a]]\nb.c = 1\n[[a]]\nb.c = 2\n")
valid("aot-whitespace", "[[ a ]]\n")
valid("aot-quoted", '[[ "a b" ]]\n')
valid("aot-under-table", "[a]\n[[a.b]]\n[[a.b]]\n")
valid("aot-subtables", "[[a]]\n[a.b]\nc = 1\n[[a]]\n[a.b]\nc = 2\n")
valid("aot-inline-points", "points = [ { x = 1, y = 2, z = 3 },\n           { x = 7, y = 8, z = 9 },\n           { x = 2, y = 4, z = 8 } ]\n")
valid("aot-after-dotted-root", "a.b = 1\n[[a.c]]\n")
valid("aot-comment", "[[a]] # c\nb = 1\n")

# Whole documents
valid("doc-spec-example", '''# This is a TOML document

title = "TOML Example"

[owner]
name = "Tom Preston-Werner"
dob = 1979-05-27T07:32:00-08:00

[database]
enabled = true
ports = [ 8000, 8001, 8002 ]
data = [ ["delta", "phi"], [3.14] ]
temp_targets = { cpu = 79.5, case = 72.0 }

[servers]

[servers.alpha]
ip = "10.0.0.1"
role = "frontend"

[servers.beta]
ip = "10.0.0.2"
role = "backend"
''')
valid("doc-cargo-like", '''[package2]
name = "demo"
version = "0.1.0"
edition = "2021"

[deps]
rand = "0.8"
serde = { version = "1", features = ["derive"] }
local = { path = "../local" }

[deps.tokio]
version = "1"
features = ["full"]

[profile2.release]
opt-level = 3
lto = true
codegen-units = 1
''')
valid("doc-mixed-everything", 'a = 1\nb = "two"\nc = [3.0, true]\nd = { e = 1979-05-27 }\n[f]\ng.h = 07:32:00\n[[i]]\nj = \'k\'\n')

# ---- invalid documents ----
INVALID = []


def invalid(name, doc):
    INVALID.append((name, doc))


# Encoding
invalid("encoding-bad-byte", b'a = "\xff"\n')
invalid("encoding-overlong", b'a = "\xc0\xaf"\n')
invalid("encoding-surrogate", b'a = "\xed\xa0\x80"\n')
invalid("encoding-in-comment", b"# \xff\na = 1\n")
invalid("encoding-in-key", b"\xff = 1\n")
invalid("encoding-truncated", b'a = "\xe2\x82')
invalid("encoding-bom-later", "a = 1\n\ufeffb = 2\n")
invalid("encoding-latin1-line-2", b"a = 1\nb = 'caf\xe9'\n")

# Control characters
for where, template in [("basic", 'a = "x%sy"\n'), ("literal", "a = 'x%sy'\n"),
                        ("mlbasic", 'a = """x%sy"""\n'), ("mlliteral", "a = '''x%sy'''\n"),
                        ("comment", "a = 1 # x%sy\n")]:
    for cname, char in [("nul", "\x00"), ("soh", "\x01"), ("esc", "\x1b"), ("us", "\x1f"),
                        ("del", "\x7f"), ("cr", "\r"), ("vt", "\x0b"), ("ff", "\x0c")]:
        invalid("control-%s-%s" % (cname, where), template % char)
invalid("control-nul-in-document", "a = 1\x00\n")
invalid("control-formfeed-as-blank", "a =\x0c1\n")
invalid("control-vertical-tab-as-blank", "a = 1\x0b\n")
invalid("control-nbsp-as-blank", "a =\u00a01\n")
invalid("control-bare-cr-between", "a = 1\rb = 2\n")
invalid("control-bare-cr-line", "a = 1\n\r\rb = 2\n")
invalid("control-cr-after-header", "[a]\r b = 1\n")

# Strings
invalid("string-unterminated", 'a = "x\n')
invalid("string-unterminated-eof", 'a = "x')
invalid("literal-unterminated", "a = 'x\n")
invalid("mlstring-unterminated", 'a = """x\n')
invalid("mlliteral-unterminated", "a = '''x\n")
invalid("string-newline", 'a = "x\ny"\n')
invalid("literal-newline", "a = 'x\ny'\n")
for esc in ["q", "/", "a", "v", "0", "E", "X41", "'", "N", " ", "\t"]:
    invalid("string-escape-%s" % {"/": "slash", " ": "space", "\t": "tab", "'": "apostrophe"}.get(esc, esc), 'a = "\\%s"\n' % esc)
invalid("string-escape-x-one-digit", 'a = "\\x4"\n')
invalid("string-escape-x-bad-digit", 'a = "\\xG0"\n')
invalid("string-escape-u-three-digits", 'a = "\\u123"\n')
invalid("string-escape-u-bad", 'a = "\\uZZZZ"\n')
invalid("string-escape-U-seven-digits", 'a = "\\U1234567"\n')
invalid("string-escape-surrogate-high", 'a = "\\uD800"\n')
invalid("string-escape-surrogate-low", 'a = "\\uDFFF"\n')
invalid("string-escape-beyond-unicode", 'a = "\\U00110000"\n')
invalid("string-escape-huge", 'a = "\\U80000000"\n')
invalid("mlstring-backslash-space", 'a = """x\\ y"""\n')
invalid("mlstring-six-quotes-at-end", 'a = """x""""""\n')
invalid("mlliteral-six-quotes-at-end", "a = '''x''''''\n")
invalid("literal-quote-inside", "a = 'x'y'\n")
invalid("string-quote-inside", 'a = "x"y"\n')
invalid("string-then-word", 'a = "x" b\n')
invalid("key-multiline-basic", '"""k""" = 1\n')
invalid("key-multiline-literal", "'''k''' = 1\n")
invalid("string-single-quote-mix", "a = \"x'\n")
invalid("mlstring-escape-in-continuation", 'a = """x\\  z\n"""\n')

# Keys
invalid("key-missing", "= 1\n")
invalid("key-no-value", "a =\n")
invalid("key-no-equals", "a\n")
invalid("key-no-equals-eof", "a")
invalid("key-space-inside", "a b = 1\n")
invalid("key-dot-before-equals", "a. = 1\n")
invalid("key-leading-dot", ".a = 1\n")
invalid("key-double-dot", "a..b = 1\n")
invalid("key-two-equals", "a = 1 = 2\n")
invalid("key-dollar", "a$ = 1\n")
invalid("key-unicode-bare", "é = 1\n")
invalid("key-colon", "a:b = 1\n")
invalid("key-duplicate", "a = 1\na = 2\n")
invalid("key-duplicate-quoted", 'a = 1\n"a" = 2\n')
invalid("key-duplicate-literal-basic", "'a' = 1\n\"a\" = 2\n")
invalid("key-duplicate-dotted", "a.b = 1\na.b = 2\n")
invalid("key-dotted-extends-inline", "a = {}\na.b = 1\n")
invalid("key-value-over-dotted", "a.b = 1\na = 2\n")
invalid("key-dotted-over-value", "a = 1\na.b = 2\n")
invalid("key-duplicate-in-table", "[t]\nk = 1\nk = 2\n")
invalid("key-newline-before-equals", "a\n= 1\n")
invalid("key-unterminated-quote", '"a = 1\n')
invalid("key-two-on-a-line", "a = 1 # ok\nb = 2 c = 3\n")
invalid("key-value-next-line", "a = \n1\n")
invalid("key-hash", "a#b = 1\n")
invalid("key-bracket", "a] = 1\n")
invalid("key-duplicate-escaped", 'a = 1\n"\\u0061" = 2\n')
invalid("key-dotted-through-value", "a = 1\nb = 2\na.c.d = 3\n")

# Integers
for name, text in [("leading-zero", "01"), ("double-zero", "00"), ("negative-leading-zero", "-01"),
                   ("plus-leading-zero", "+01"), ("zero-underscore", "0_1"), ("leading-zeros", "007"),
                   ("double-underscore", "1__2"), ("leading-underscore", "_1"), ("trailing-underscore", "1_"),
                   ("hex-leading-underscore", "0x_1"), ("hex-trailing-underscore", "0x1_"),
                   ("octal-leading-underscore", "0o_7"), ("binary-leading-underscore", "0b_1"),
                   ("binary-double-underscore", "0b1__0"), ("sign-underscore", "+_1"),
                   ("trailing-underscore-thousands", "1_000_"), ("binary-digit-2", "0b012"),
                   ("binary-only-2", "0b2"), ("octal-digit-8", "0o8"), ("octal-digit-78", "0o78"),
                   ("hex-digit-g", "0xg"), ("hex-digit-1g", "0x1g"), ("hex-plus", "+0x1"),
                   ("hex-minus", "-0x1"), ("octal-minus", "-0o7"), ("binary-plus", "+0b1"),
                   ("hex-upper-prefix", "0X1"), ("octal-upper-prefix", "0O7"), ("binary-upper-prefix", "0B1"),
                   ("hex-empty", "0x"), ("octal-empty", "0o"), ("binary-empty", "0b"),
                   ("too-big", "9223372036854775808"), ("too-small", "-9223372036854775809"),
                   ("hex-too-big", "0x8000000000000000"), ("octal-too-big", "0o1000000000000000000000"),
                   ("binary-too-big", "0b1" + "0" * 63), ("very-big", "99999999999999999999999"),
                   ("double-minus", "--1"), ("double-plus", "++1"), ("plus-minus", "+-1"),
                   ("letter-suffix", "1x"), ("hex-fraction", "0x1.5"), ("space-inside", "1 2"),
                   ("comma", "1,000"), ("sign-alone", "-"), ("octal-letter", "0o7a")]:
    invalid("int-" + name, "a = %s\n" % text)

# Floats
for name, text in [("no-fraction-digits", "1."), ("no-int-part", ".1"), ("point-before-exponent", "1.e1"),
                   ("exponent-empty", "1e"), ("exponent-sign-only", "1e+"), ("exponent-minus-only", "1e-"),
                   ("exponent-underscore-first", "1e_1"), ("underscore-before-exponent", "1_e1"),
                   ("underscore-after-point", "1._1"), ("trailing-underscore", "1.1_"),
                   ("underscore-before-point", "1_.1"), ("exponent-trailing-underscore", "1e1_"),
                   ("exponent-double-underscore", "1e1__0"), ("leading-zero", "01.1"),
                   ("negative-leading-zero", "-01.1"), ("double-zero", "00.0"), ("two-points", "1.1.1"),
                   ("two-exponents", "1e1e1"), ("fraction-in-exponent", "1e1.5"), ("exponent-after-fraction-empty", "1.5e"),
                   ("inf-suffix", "inf1"), ("inf-capital", "Inf"), ("nan-capital", "NaN"),
                   ("infinity", "infinity"), ("nan-suffix", "-nan1"), ("inf-two-signs", "+-inf"),
                   ("overflow", "1e400"), ("overflow-negative", "-1e400"),
                   ("overflow-just", "1.7976931348623159e308"), ("two-points-in-a-row", "0..1"),
                   ("comma-decimal", "1,5"), ("exponent-point", "1e.5"), ("leading-zero-exponent-form", "00e1")]:
    invalid("float-" + name, "a = %s\n" % text)

# Booleans
for word in ["True", "FALSE", "truee", "t", "tru", "falsey", "yes"]:
    invalid("bool-" + word.lower() + ("-caps" if word != word.lower() else ""), "a = %s\n" % word)

# Date-times
for name, text in [("feb-30", "1988-02-30"), ("feb-29-1900", "1900-02-29"), ("feb-29-2001", "2001-02-29"),
                   ("apr-31", "1979-04-31"), ("month-13", "1979-13-01"), ("month-00", "1979-00-10"),
                   ("day-00", "1979-01-00"), ("day-32", "1979-01-32"), ("short-month", "1979-5-27"),
                   ("short-year", "79-05-27"), ("short-day", "1979-05-7"), ("slashes", "1979/05/27"),
                   ("t-only", "1979-05-27T"), ("hour-only", "1979-05-27T07"), ("short-hour", "1979-05-27T7:32:00"),
                   ("short-second", "1979-05-27T07:32:0"), ("point-no-digits", "1979-05-27T07:32:00."),
                   ("two-spaces", "1979-05-27  07:32:00"), ("zz", "1979-05-27T07:32:00ZZ"),
                   ("offset-hour-only", "1979-05-27T07:32:00+07"), ("offset-no-colon", "1979-05-27T07:32:00+0700"),
                   ("offset-short-hour", "1979-05-27T07:32:00+7:00"), ("bad-separator", "1979-05-27X07:32:00"),
                   ("hour-24", "1979-05-27T24:00:00"), ("minute-60", "1979-05-27T07:60:00"),
                   ("second-61", "1979-05-27T07:32:61"), ("offset-hour-24", "1979-05-27T07:32:00+24:00"),
                   ("offset-minute-60", "1979-05-27T07:32:00+07:60"), ("local-time-z", "07:32:00Z"),
                   ("local-time-offset", "07:32:00+01:00"), ("time-fraction-no-seconds", "07:32.5"),
                   ("time-trailing-colon", "07:32:"), ("time-short-hour", "7:32:00"),
                   ("time-two-fractions", "07:32:00.5.5"), ("fraction-then-z", "1979-05-27T07:32:00.Z"),
                   ("time-hour-24", "24:00:00"), ("time-minute-60", "07:60"), ("date-trailing-dash", "1979-05-27-"),
                   ("date-letters", "1979-0a-27"), ("lowercase-x-separator", "1979-05-27x07:32:00")]:
    invalid("datetime-" + name, "a = %s\n" % text)

# Arrays
for name, text in [("no-comma", "[1 2]"), ("comma-only", "[,]"), ("double-comma", "[1,,2]"),
                   ("unterminated", "["), ("unterminated-after-comma", "[1,"), ("unterminated-value", "[1"),
                   ("close-only", "]"), ("extra-close", "[1]]"), ("nested-unterminated", "[[1]"),
                   ("comment-eats-close", "[ # c ]"), ("missing-comma-later", "[1, 2 3]"),
                   ("newline-no-comma", "[1\n2]"), ("bad-value", "[01]"), ("nested-unclosed", "[1, [2, 3]"),
                   ("leading-comma", "[, 1]"), ("bare-word", "[a]")]:
    invalid("array-" + name, "a = %s\n" % text)

# Inline tables
for name, text in [("no-comma", "{b = 1 c = 2}"), ("comma-only", "{,}"), ("double-trailing-comma", "{b=1,,}"),
                   ("unterminated", "{b=1"), ("key-only", "{b}"), ("no-value", "{b=}"), ("no-key", "{=1}"),
                   ("duplicate", "{b=1, b=2}"), ("duplicate-dotted", "{b.c=1, b.c=2}"),
                   ("extend-nested-inline", "{b={c=1}, b.d=2}"), ("dotted-over-value", "{b=1, b.c=2}"),
                   ("value-over-dotted", "{b.c=1, b=2}"), ("leading-comma", "{ , b = 1 }"),
                   ("double-comma-between", "{b = 1,, c = 2}"), ("unterminated-newline", "{b = 1,\n"),
                   ("bare-value", "{1}"), ("array-key", "{[b] = 1}")]:
    invalid("inline-" + name, "a = %s\n" % text)
invalid("inline-extended-by-dotted-key", "a = {b = 1}\na.c = 2\n")
invalid("inline-extended-by-header", "a = {}\n[a]\n")
invalid("inline-extended-by-subheader", "a = {}\n[a.b]\n")
invalid("inline-nested-extended-by-header", "a = {b = {}}\n[a.b.c]\n")
invalid("inline-extended-by-aot", "a = {}\n[[a]]\n")
invalid("inline-array-extended-by-aot", "a = [{}]\n[[a]]\n")

# Tables
invalid("table-twice", "[a]\n[a]\n")
invalid("table-twice-with-keys", "[a]\nb = 1\n[a]\n")
invalid("table-twice-after-child", "[a.b]\n[a]\n[a]\n")
invalid("table-child-twice", "[a]\n[a.b]\n[a.b]\n")
invalid("table-empty-name", "[]\n")
invalid("table-trailing-dot", "[a.]\n")
invalid("table-leading-dot", "[.a]\n")
invalid("table-double-dot", "[a..b]\n")
invalid("table-unterminated", "[a\nb = 1\n")
invalid("table-extra-bracket", "[a]]\n")
invalid("table-key-after-header", "[a] b = 1\n")
invalid("table-text-after-header", "[a]x\n")
invalid("table-nested-brackets", "[ [a] ]\n")
invalid("table-space-in-name", "[a b]\n")
invalid("table-text-after-quoted", '["a"b]\n')
invalid("table-text-after-literal-part", "[a.'b'c]\n")
invalid("table-over-value", "a = 1\n[a]\n")
invalid("table-under-value", "a = 1\n[a.b]\n")
invalid("table-over-dotted-value", "a.b = 1\n[a.b]\n")
invalid("table-under-value-in-table", "[a]\nb = 1\n[a.b]\n")
invalid("table-header-on-dotted", '[fruit]\napple.color = "red"\n[fruit.apple]\n')
invalid("table-header-on-dotted-deeper", "[fruit]\napple.taste.sweet = true\n[fruit.apple.taste]\n")
invalid("table-dotted-into-header", "[a.b]\nc = 1\n[a]\nb.d = 2\n")
invalid("table-dotted-into-header-deep", "[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n")
invalid("table-dotted-into-header-deeper", "[a.b.c.d]\nz = 9\n[a]\nb.c.d.k.t = 1\n")
invalid("table-dotted-into-implicit", "[a.b.c]\n[a]\nb.y = 1\n")
invalid("table-header-on-root-dotted", "a.b = 1\n[a]\n")
invalid("table-over-aot", "[[a]]\n[a]\n")
invalid("table-aot-over-table", "[a]\n[[a]]\n")
invalid("table-aot-over-static-array", "a = []\n[[a]]\n")
invalid("table-aot-over-array", "a = [1]\n[[a]]\n")
invalid("table-aot-over-value", "a = 1\n[[a]]\n")
invalid("table-over-nested-aot", "[[a]]\n[[a.b]]\n[a.b]\n")
invalid("table-aot-empty-name", "[[]]\n")
invalid("table-aot-unterminated", "[[a]\n")
invalid("table-aot-extra-bracket", "[[a]]]\n")
invalid("table-aot-space-between-brackets", "[ [a]]\n")
invalid("table-aot-space-in-close", "[[a] ]\n")
invalid("table-aot-text-after", "[[a]]x\n")
invalid("table-aot-under-value", "[a]\nb = 1\n[[a.b]]\n")
invalid("table-under-value-in-aot", "[[a]]\nb = 1\n[a.b]\n")
invalid("table-aot-over-table-child", "[a.b]\n[[a]]\n")
invalid("table-through-static-array", "a = [{}]\n[a.b]\n")
invalid("table-unterminated-quoted", '["a]\n')

# Newlines and structure
invalid("structure-two-keys-one-line", "a = 1 b = 2\n")
invalid("structure-value-then-bracket", "a = 1 [b]\n")
invalid("structure-equals-alone", "a = 1\n  = 2\n")
invalid("structure-stray-brace", "}\n")
invalid("structure-stray-comma", "a = 1,\n")
invalid("structure-header-value", "[a] = 1\n")


def to_json(value):
    """toml-test's JSON form of a tomllib value."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        text = "nan" if math.isnan(value) else "inf" if value == math.inf else "-inf" if value == -math.inf else "%.17g" % value
        return {"type": "float", "value": text}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, datetime.datetime):
        return {"type": "datetime" if value.tzinfo else "datetime-local", "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"type": "date-local", "value": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"type": "time-local", "value": value.isoformat()}
    raise TypeError(type(value))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def main():
    for kind in ("valid", "invalid"):
        shutil.rmtree(os.path.join(HERE, kind), ignore_errors=True)
        os.makedirs(os.path.join(HERE, kind))
    names = set()
    for name, doc, expect in VALID:
        assert name not in names, name
        names.add(name)
        value = expect if expect is not None else to_json(tomllib.loads(doc))
        write(os.path.join(HERE, "valid", name + ".toml"), doc)
        write(os.path.join(HERE, "valid", name + ".json"),
              json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n")
    for name, doc in INVALID:
        assert name not in names, name
        names.add(name)
        write(os.path.join(HERE, "invalid", name + ".toml"), doc)
    print("%d valid, %d invalid" % (len(VALID), len(INVALID)))


main()
