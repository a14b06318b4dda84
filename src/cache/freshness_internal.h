/* Shared by the two halves of the freshness module (freshness.c re-checks a record,
 * freshness_build.c records a build): how one input compares with the file now.  Not for other
 * modules: cache/freshness.h is the contract. */
#ifndef CTHAG_CACHE_FRESHNESS_INTERNAL_H
#define CTHAG_CACHE_FRESHNESS_INTERNAL_H

#include "cache/record.h"

#include <sys/stat.h>

enum input_state {
    INPUT_FRESH,   /* as recorded, and trusted by its stat data */
    INPUT_CHANGED, /* other stat data (an absent file that exists) */
    INPUT_RACY,    /* the same stat data, not to be trusted: the content decides */
    INPUT_MISSING, /* gone */
};

/* Compare an input with the file now (st gets its stat data). */
enum input_state freshness_check_input(const struct record_input *in, long long stamp_ns,
                                       struct stat *st);
/* The input was recorded with exactly these stat data. */
int freshness_input_has_stat(const struct record_input *in, const struct stat *st);
int freshness_same_stat(const struct stat *a, const struct stat *b);
/* What the record says besides its files no longer holds (uncacheable, the configuration of
 * the environment, a declared variable): the reason, or NULL. */
const char *freshness_settings_changed(const struct entry_record *rec);
/* The content of an input whose stat data changed is still the recorded one (hashed now). */
int freshness_same_content(const struct record_input *in, enum input_state state);
/* The hash of a text, as freshness_hash_file() hashes a file's bytes. */
void freshness_hash_text(const char *text, size_t len, char out[HASH_HEX_LEN + 1]);

#endif
