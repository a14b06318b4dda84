/* What cargo said about the units of a build (its JSON messages): each unit it compiled or
 * found fresh (compiler-artifact), and each build script it ran (build-script-executed).  The
 * cache reads them to learn what the build depended on (cache/freshness.h). */
#ifndef CTHAG_CARGO_UNITS_H
#define CTHAG_CARGO_UNITS_H

#include <stddef.h>

enum cargo_unit_kind {
    UNIT_COMPILED,   /* a compiler-artifact: a crate target compiled, or found fresh */
    UNIT_SCRIPT_RUN, /* a build-script-executed: a build script's run */
};

struct cargo_unit {
    enum cargo_unit_kind kind;
    char *package_id;  /* cargo's package id ("path+file:///dir#name@1.0.0", ...) */
    char *target_kind; /* UNIT_COMPILED: the target's first kind ("lib", "custom-build", ...) */
    char *target_name; /* UNIT_COMPILED: the target's name */
    char *file;        /* UNIT_COMPILED: its first output file; UNIT_SCRIPT_RUN: its OUT_DIR */
    int fresh;         /* UNIT_COMPILED: cargo did not compile it again */
};

struct cargo_units {
    struct cargo_unit *items;
    size_t count, alloc;
};
#define CARGO_UNITS_INIT {NULL, 0, 0}

/* Add what one JSON message of cargo's says (other messages are ignored); msg is a struct json. */
struct json;
void cargo_units_add_message(struct cargo_units *units, const struct json *msg);
void cargo_units_release(struct cargo_units *units);

/* The package's directory of a path+file package id (percent-decoded), or -1 when the id is
 * not a local package's. */
struct strbuf;
int cargo_package_dir(const char *package_id, struct strbuf *dir);
/* The package's name in a package id. */
void cargo_package_name(const char *package_id, struct strbuf *name);

#endif
