#include "cargo/pin.h"
#include "unit.h"

static const char generated[] =
    "[package]\nname = \"app_0123456789abcdef\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n"
    "[[bin]]\nname = \"app_0123456789abcdef\"\npath = \"app.rs\"\n\n"
    "[dependencies]\notherdep = \"0.2\"\nfoo-bar = \"*\"\n"
    "serde = { version = \"*\", features = [\"derive\"] }\nmissing = \"*\"\n\n"
    "[profile.dev]\ndebug = 0\nincremental = false\n\n[workspace]\n";

static const char lock[] =
    "version = 4\n\n"
    "[[package]]\nname = \"app_0123456789abcdef\"\nversion = \"0.1.0\"\n"
    "dependencies = [\"foo-bar\", \"otherdep\", \"serde\"]\n\n"
    "[[package]]\nname = \"foo-bar\"\nversion = \"1.0.0\"\n\n"
    "[[package]]\nname = \"otherdep\"\nversion = \"0.2.0\"\n\n"
    "[[package]]\nname = \"serde\"\nversion = \"1.0.219\"\n";

static int block(const char *user, const char *lock_text, enum pin_format format,
                 struct strbuf *out)
{
    struct pin_input in = {"app.rs", user, user ? strlen(user) : 0, generated, lock_text,
                           lock_text ? strlen(lock_text) : 0, "app_0123456789abcdef", format};
    strbuf_reset(out);
    return pin_block(&in, out);
}

int main(void)
{
    struct strbuf out = STRBUF_INIT;
    const char *user = "[package]\nedition = \"2021\"\n[dependencies]\notherdep = \"0.2\"\n";
    /* The script's manifest kept; inferred crates pinned; one without a locked version. */
    CHECK_INT(block(user, lock, PIN_THAG, &out), 1);
    CHECK_STR(out.buf, "/*[toml]\n[package]\nedition = \"2021\"\n\n[dependencies]\n"
                       "otherdep = \"0.2\"\nfoo-bar = \"=1.0.0\"\n"
                       "serde = { version = \"=1.0.219\", features = [\"derive\"] }\n"
                       "missing = \"*\"\n*/\n");
    CHECK_INT(block(NULL, lock, PIN_FRONTMATTER, &out), 1);
    CHECK_STR(out.buf, "---\n[dependencies]\notherdep = \"=0.2.0\"\nfoo-bar = \"=1.0.0\"\n"
                       "serde = { version = \"=1.0.219\", features = [\"derive\"] }\n"
                       "missing = \"*\"\n---\n");
    /* No lock (never built): everything stays "*". */
    CHECK_INT(block(user, NULL, PIN_THAG, &out), 3);
    CHECK_CONTAINS(out.buf, "foo-bar = \"*\"\n");
    /* A manifest that cannot be read. */
    CHECK_INT(block("[dependencies\n", lock, PIN_THAG, &out), -1);
    strbuf_release(&out);
    return unit_finish("test_pin");
}
