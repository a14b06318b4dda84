/* Fuzz version reuse's lock reader and writer: the input is cargo's resolution, a 0xff byte, then
 * another entry's lock (a second 0xff: then the entry's own lock).  The registry is a directory
 * made once, holding a and b in two versions each.  Whatever the inputs, a lock written with
 * packages moved must be TOML that cthag reads back with as many packages as the resolution,
 * and moving again from it (with the same own lock) must find nothing more to move. */
#include "cargo/lockseed.h"
#include "cargo/registry.h"
#include "toml/toml.h"
#include "util/die.h"
#include "util/fs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char registry_dir[] = "/tmp/cthag-fuzz-lockseed-XXXXXX";

static void publish(const char *name, const char *version, const char *deps)
{
    char path[256], text[256];
    snprintf(path, sizeof(path), "%s/%s-%s", registry_dir, name, version);
    fs_mkdir_parents(path, 0700);
    snprintf(path, sizeof(path), "%s/%s-%s/Cargo.toml", registry_dir, name, version);
    snprintf(text, sizeof(text), "[package]\nname = \"%s\"\nversion = \"%s\"\n%s", name, version,
             deps);
    fs_write_atomic(path, text, strlen(text), 0600);
    snprintf(path, sizeof(path), "%s/%s-%s/.cargo-checksum.json", registry_dir, name, version);
    snprintf(text, sizeof(text), "{\"package\":\"sum-%s-%s\"}", name, version);
    fs_write_atomic(path, text, strlen(text), 0600);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(registry_dir))
        abort();
    publish("a", "1.0.0", "[dependencies]\nb = \"0.2\"\n");
    publish("a", "1.0.1", "[dependencies]\nb = \"0.2.1\"\n");
    publish("b", "0.2.0", "");
    publish("b", "0.2.1", "");
    return 0;
}

static size_t package_count(const char *text)
{
    struct toml_error err;
    struct toml_value *doc = toml_parse(text, strlen(text), 1, &err);
    const struct toml_value *packages = doc ? toml_get(doc, "package") : NULL;
    size_t n = packages && packages->type == TOML_ARRAY ? packages->count : (size_t)-1;
    toml_free(doc);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char manifest[] = "[package]\nname = \"root\"\n[dependencies]\na = \"1\"\n";
    struct registry r = {registry_dir, NULL, NULL, 1};
    char *parts[3] = {NULL, NULL, NULL};
    size_t n = 0;
    const uint8_t *p = data, *end = data + size;
    for (; n < 2; n++) {
        const uint8_t *split = memchr(p, 0xff, (size_t)(end - p));
        if (!split)
            break;
        parts[n] = xmemdupz(p, (size_t)(split - p));
        p = split + 1;
    }
    parts[n++] = xmemdupz(p, (size_t)(end - p));
    const char *others[] = {n > 1 ? parts[1] : ""};
    struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
    size_t moved = lockseed_reuse(parts[0], n > 2 ? parts[2] : NULL, others, 1, manifest, &r,
                                  &out, NULL);
    if (moved) {
        if (package_count(out.buf) != package_count(parts[0]))
            __builtin_trap();
        if (lockseed_reuse(out.buf, n > 2 ? parts[2] : NULL, others, 1, manifest, &r, &again,
                           NULL))
            __builtin_trap();
    } else if (out.len) {
        __builtin_trap();
    }
    strbuf_release(&out);
    strbuf_release(&again);
    for (size_t i = 0; i < 3; i++)
        free(parts[i]);
    return 0;
}
