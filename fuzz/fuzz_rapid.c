/* Fuzz what cthag -r does with an entry: completeness, command parsing, wrap_split's pieces and
 * the session's item keeping.  A prepared entry's code starts with the allow line and holds the
 * entry's items; committing an entry twice keeps as many items as once (same keys replace). */
#include "rapid/input.h"
#include "rapid/session.h"
#include "script/wrap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_pieces(const char *text, size_t len)
{
    struct wrap_piece *pieces;
    size_t n = wrap_split(text, len, &pieces);
    for (size_t i = 0; i < n; i++)
        if (pieces[i].from > pieces[i].to || pieces[i].to > len ||
            (i && pieces[i].from != pieces[i - 1].to))
            __builtin_trap();
    free(pieces);
}

static size_t commit(struct session *s, const char *text)
{
    struct entry e = ENTRY_INIT;
    size_t before = s->count;
    if (session_prepare(s, text, &e)) {
        entry_release(&e);
        return (size_t)-1;
    }
    /* The allow line comes first: in the context (-B), or in a program's code. */
    const struct strbuf *head = e.is_program ? &e.code : &e.context;
    if (strncmp(head->buf, SESSION_ALLOW_LINE, strlen(SESSION_ALLOW_LINE)))
        __builtin_trap();
    for (size_t i = 0; i < e.count; i++)
        if (!strstr(e.code.buf, e.items[i].text) || !*e.items[i].key)
            __builtin_trap();
    session_commit(s, &e, 1);
    entry_release(&e);
    return s->count - before;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strbuf text = STRBUF_INIT;
    strbuf_add(&text, data, size);
    struct command_line c;
    input_parse_command(text.buf, &c);
    if (c.command != CMD_NONE && (c.word < text.buf || c.arg < text.buf ||
                                  c.arg + c.arg_len > text.buf + text.len))
        __builtin_trap();
    (void)input_is_complete(text.buf, text.len);
    check_pieces(text.buf, text.len);
    if (!memchr(data, '\0', size)) {
        struct session s = SESSION_INIT;
        size_t first = commit(&s, text.buf);
        if (first != (size_t)-1 && commit(&s, text.buf) != 0 && s.count > first)
            __builtin_trap();
        session_forget(&s, "x");
        session_release(&s);
    }
    strbuf_release(&text);
    return 0;
}
