/* Content hashing through libxxhash: XXH3-128 for build keys, XXH3-64 for entry identities. */
#ifndef CTHAG_UTIL_HASH_H
#define CTHAG_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_HEX_LEN 32

struct hasher;

/* Start an incremental XXH3-128 hash; free it with hasher_finish(). */
struct hasher *hasher_new(void);
void hasher_add(struct hasher *h, const void *data, size_t len);
/* Add a string followed by a NUL separator, so ("ab","c") and ("a","bc") differ. */
void hasher_add_field(struct hasher *h, const char *s);
/* Write 32 lowercase hex digits + NUL into out, and free h. */
void hasher_finish(struct hasher *h, char out[HASH_HEX_LEN + 1]);

/* XXH3-128 of a buffer, in one call (no allocation): the hex digits of hasher_finish(). */
void hash128_hex(const void *data, size_t len, char out[HASH_HEX_LEN + 1]);
/* XXH3-128 of a file's bytes, as hash128_hex(); -1 with errno set when it cannot be read. */
int hash_file(const char *path, char out[HASH_HEX_LEN + 1]);
/* XXH3-64 of a buffer as 16 hex digits + NUL. */
void hash64_hex(const void *data, size_t len, char out[17]);

/* 1 when s[0..n) is n lowercase hex digits, as the two functions above write them. */
int hash_is_hex(const char *s, size_t n);

#endif
