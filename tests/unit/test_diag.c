#include "cargo/diag.h"
#include "unit.h"
#include "util/json.h"

static const struct wrap_options plain = {0, NULL};

static void map_for(struct diag_map *map, const struct wrapped *code, const char *name,
                    const char *what)
{
    map->generated_name = "gen.rs";
    map->parts[WRAP_PART_MAIN] = (struct diag_part){name, what};
    map->parts[WRAP_PART_BEGIN] = (struct diag_part){"<begin>", "the -B code"};
    map->parts[WRAP_PART_END] = (struct diag_part){"<end>", "the -E code"};
    map->code = code;
}

/* A JSON span of gen.rs. */
static void span(struct strbuf *sb, int line_start, int col_start, int line_end, int col_end,
                 int primary, const char *label)
{
    strbuf_addf(sb,
                "{\"file_name\":\"gen.rs\",\"line_start\":%d,\"column_start\":%d,\"line_end\":%d,"
                "\"column_end\":%d,\"is_primary\":%s,\"label\":",
                line_start, col_start, line_end, col_end, primary ? "true" : "false");
    if (label)
        json_add_string(sb, label);
    else
        strbuf_addstr(sb, "null");
    strbuf_addstr(sb, ",\"text\":[],\"expansion\":null,\"suggested_replacement\":null}");
}

static void check_message(const struct diag_map *map, const char *json, const char *expected)
{
    struct json *message = json_parse(json, strlen(json));
    CHECK(message != NULL);
    struct strbuf out = STRBUF_INIT;
    diag_message(map, message, &out);
    CHECK_STR(out.buf, expected);
    strbuf_release(&out);
    json_free(message);
}

/* Everything it shows is verbatim (a shebang line took main's opening): rustc's rendering,
 * colours and all, with the file renamed. */
static void test_verbatim(void)
{
    const char *script = "\nlet a = 1;\nlet b: i32 = \"x\";\n";
    struct wrapped code;
    struct diag_map map;
    wrap_snippet(script, strlen(script), &plain, &code);
    map_for(&map, &code, "dir/script.rs", "the script");
    struct strbuf json = STRBUF_INIT;
    strbuf_addstr(&json, "{\"level\":\"error\",\"message\":\"mismatched types\",\"code\":null,"
                         "\"children\":[],\"spans\":[");
    span(&json, 3, 14, 3, 17, 1, "expected `i32`, found `&str`");
    strbuf_addstr(&json, "],\"rendered\":\"\\u001b[1merror\\u001b[0m: mismatched types\\n"
                         " \\u001b[1m-->\\u001b[0m gen.rs:3:14\\n  |\\n3 | let b: i32 = \\\"x\\\";"
                         "\\n\"}");
    check_message(&map, json.buf,
                  "\033[1merror\033[0m: mismatched types\n \033[1m-->\033[0m dir/script.rs:3:14\n"
                  "  |\n3 | let b: i32 = \"x\";\n");
    strbuf_release(&json);
    /* Other files' locations are left alone. */
    struct strbuf out = STRBUF_INIT;
    diag_rewrite(&map, "  ::: /rustc/x/lib.rs:10:5\n --> other.rs:3:1\n --> gen.rs:2\n", &out);
    CHECK_STR(out.buf, "  ::: /rustc/x/lib.rs:10:5\n --> other.rs:3:1\n --> dir/script.rs:2\n");
    strbuf_release(&out);
    wrap_release(&code);
}

/* `cthag -e 'struct S; S'`: the value's type is not Debug.  rustc's spans cover cthag's printing;
 * cthag's rendering shows the script's S, without the helper's name or the note about it. */
static void test_value_not_debug(void)
{
    struct wrapped code;
    struct diag_map map;
    wrap_snippet("struct S; S", 11, &plain, &code);
    map_for(&map, &code, "<expr>", "the expression");
    /* fn main()->__CthagResult{struct S; __cthag_show(&(S
     * ));                                                  */
    struct strbuf json = STRBUF_INIT;
    strbuf_addstr(&json, "{\"level\":\"error\",\"message\":\"`S` doesn't implement `Debug`\","
                         "\"code\":{\"code\":\"E0277\"},\"rendered\":\"__cthag_show\",\"spans\":[");
    span(&json, 1, 49, 2, 2, 1, "the trait `Debug` is not implemented for `S`");
    strbuf_addch(&json, ',');
    span(&json, 1, 36, 1, 48, 0, "required by a bound introduced by this call");
    strbuf_addstr(&json, "],\"children\":[{\"level\":\"note\",\"message\":\"add `#[derive(Debug)]`"
                         " to `S` or manually `impl Debug for S`\",\"spans\":[],\"children\":[]},"
                         "{\"level\":\"note\",\"message\":\"required by a bound in `__cthag_show`\","
                         "\"children\":[],\"spans\":[");
    span(&json, 14, 20, 14, 37, 1, "required by this bound in `__cthag_show`");
    strbuf_addstr(&json, "]}]}");
    check_message(&map, json.buf,
                  "error[E0277]: `S` doesn't implement `Debug`\n"
                  " --> <expr>:1:11\n"
                  "  |\n"
                  "1 | struct S; S\n"
                  "  |           ^ the trait `Debug` is not implemented for `S`\n"
                  "  |\n"
                  "  = note: add `#[derive(Debug)]` to `S` or manually `impl Debug for S`\n"
                  "  = note: cthag prints the final value of the expression with `{:?}`; end it "
                  "with `;` to leave it out\n"
                  "\n");
    strbuf_release(&json);
    wrap_release(&code);
}

/* A span that is only cthag's text is reported where it stands: `-e '1 +'`, rustc found the `)`
 * of cthag's printing on line 2. */
static void test_end_of_script(void)
{
    struct wrapped code;
    struct diag_map map;
    wrap_snippet("1 +", 3, &plain, &code);
    map_for(&map, &code, "<expr>", "the expression");
    struct strbuf json = STRBUF_INIT;
    strbuf_addstr(&json, "{\"level\":\"error\",\"message\":\"expected expression, found `)`\","
                         "\"code\":null,\"children\":[],\"rendered\":\"x\",\"spans\":[");
    span(&json, 2, 1, 2, 2, 1, "expected expression");
    strbuf_addstr(&json, "]}");
    check_message(&map, json.buf,
                  "error: expected expression, found the end of the expression\n"
                  " --> <expr>:1:4\n"
                  "  |\n"
                  "1 | 1 +\n"
                  "  |    ^ expected expression\n"
                  "\n");
    strbuf_release(&json);
    /* A warning about cthag's text alone is not shown. */
    strbuf_reset(&json);
    strbuf_addstr(&json, "{\"level\":\"warning\",\"message\":\"unreachable expression\","
                         "\"code\":null,\"children\":[],\"rendered\":\"x\",\"spans\":[");
    span(&json, 3, 1, 3, 7, 1, "unreachable expression");
    strbuf_addstr(&json, "]}");
    check_message(&map, json.buf, "");
    strbuf_release(&json);
    wrap_release(&code);
}

/* -l: the parts have names and lines of their own; several labels on one line. */
static void test_loop_parts(void)
{
    struct wrapped code;
    struct diag_map map;
    wrap_loop("let n = 0;", "n + line", "", &plain, &code);
    map_for(&map, &code, "<loop>", "the filter");
    const char *filter = strstr(code.code.buf, "n + line");
    int col = (int)(filter - code.code.buf) + 1;
    struct strbuf json = STRBUF_INIT;
    strbuf_addstr(&json, "{\"level\":\"error\",\"message\":\"cannot add `String` to `{integer}`\","
                         "\"code\":{\"code\":\"E0277\"},\"children\":[],\"rendered\":\"x\","
                         "\"spans\":[");
    span(&json, 1, col + 2, 1, col + 3, 1, "no implementation for `{integer} + String`");
    strbuf_addch(&json, ',');
    span(&json, 1, col, 1, col + 1, 0, "integer");
    strbuf_addch(&json, ',');
    int n_col = (int)(strstr(code.code.buf, "n = 0") - code.code.buf) + 1;
    span(&json, 1, n_col, 1, n_col + 1, 0, "defined here");
    strbuf_addstr(&json, "]}");
    check_message(&map, json.buf,
                  "error[E0277]: cannot add `String` to `{integer}`\n"
                  " --> <loop>:1:3\n"
                  "  |\n"
                  "1 | n + line\n"
                  "  | - ^ no implementation for `{integer} + String`\n"
                  "  | |\n"
                  "  | integer\n"
                  "  |\n"
                  " ::: <begin>:1:5\n"
                  "  |\n"
                  "1 | let n = 0;\n"
                  "  |     - defined here\n"
                  "\n");
    strbuf_release(&json);
    wrap_release(&code);
}

/* `-e 'loop {}'`: rustc warns that cthag's printing of the value is unreachable (its primary
 * span takes in the printing call, around the script's `loop {}`): a warning about cthag's
 * text, not shown. */
static void test_unreachable_printing(void)
{
    struct wrapped code;
    struct diag_map map;
    wrap_snippet("loop {}", 7, &plain, &code);
    map_for(&map, &code, "<expr>", "the expression");
    const char *call = strstr(code.code.buf, "__cthag_show(&");
    const char *loop = strstr(code.code.buf, "loop {}");
    CHECK(call && loop && !memchr(code.code.buf, '\n', (size_t)(loop - code.code.buf)));
    if (!call || !loop)
        return;
    int call_col = (int)(call - code.code.buf) + 1, loop_col = (int)(loop - code.code.buf) + 1;
    struct strbuf json = STRBUF_INIT;
    strbuf_addstr(&json, "{\"level\":\"warning\",\"message\":\"unreachable expression\","
                         "\"code\":null,\"children\":[],\"rendered\":\"x\",\"spans\":[");
    span(&json, 1, call_col, 1, loop_col + 9, 1, "unreachable expression");
    strbuf_addch(&json, ',');
    span(&json, 1, loop_col, 1, loop_col + 7, 0, "any code following this expression is unreachable");
    strbuf_addstr(&json, "]}");
    check_message(&map, json.buf, "");
    strbuf_release(&json);
    wrap_release(&code);
}

int main(void)
{
    test_unreachable_printing();
    test_verbatim();
    test_value_not_debug();
    test_end_of_script();
    test_loop_parts();
    return unit_finish("test_diag");
}
