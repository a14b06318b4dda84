#include "util/shellwords.h"

#include "util/chars.h"
#include "util/strbuf.h"

/* The text of a quoted part starting after its opening quote; *p is left after the closing one. */
static int add_quoted(const char **p, char quote, struct strbuf *word, const char **problem)
{
    const char *s = *p;
    for (; *s && *s != quote; s++) {
        if (quote == '"' && *s == '\\' && char_in((unsigned char)s[1], "$`\"\\\n")) {
            if (s[1] != '\n')
                strbuf_addch(word, s[1]);
            s++;
        } else {
            strbuf_addch(word, *s);
        }
    }
    if (!*s) {
        *problem = quote == '"' ? "missing closing \"" : "missing closing '";
        return -1;
    }
    *p = s + 1;
    return 0;
}

/* One word from *p (which is not blank); *p is left after it. */
static int add_word(const char **p, struct strbuf *word, const char **problem)
{
    const char *s = *p;
    while (*s && !char_in((unsigned char)*s, " \t\n")) {
        if (*s == '\'' || *s == '"') {
            char quote = *s++;
            if (add_quoted(&s, quote, word, problem))
                return -1;
        } else if (*s == '\\') {
            if (!s[1]) {
                *problem = "a backslash at the end";
                return -1;
            }
            if (s[1] != '\n')
                strbuf_addch(word, s[1]);
            s += 2;
        } else {
            strbuf_addch(word, *s++);
        }
    }
    *p = s;
    return 0;
}

int shell_split(const char *text, struct strlist *words, const char **problem)
{
    struct strbuf word = STRBUF_INIT;
    const char *p = text;
    int result = 0;
    for (;;) {
        while (char_in((unsigned char)*p, " \t\n"))
            p++;
        if (!*p)
            break;
        strbuf_reset(&word);
        if (add_word(&p, &word, problem)) {
            result = -1;
            break;
        }
        strlist_add(words, word.buf);
    }
    strbuf_release(&word);
    return result;
}
