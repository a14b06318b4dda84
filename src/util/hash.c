#include "util/hash.h"

#include "util/die.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <errno.h>

#include <stdlib.h>
#include <xxhash.h>

struct hasher {
    XXH3_state_t *state;
};

struct hasher *hasher_new(void)
{
    struct hasher *h = xmalloc(sizeof(*h));
    h->state = XXH3_createState();
    if (!h->state)
        die_out_of_memory();
    XXH3_128bits_reset(h->state);
    return h;
}

void hasher_add(struct hasher *h, const void *data, size_t len)
{
    XXH3_128bits_update(h->state, data, len);
}

void hasher_add_field(struct hasher *h, const char *s)
{
    size_t len = 0;
    while (s[len])
        len++;
    hasher_add(h, s, len + 1);
}

/* 16 lowercase hex digits of value at out (no NUL): no printf on the cached path. */
static void hex64(unsigned long long value, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, value >>= 4)
        out[i] = digits[value & 15];
}

static void hex128(XXH128_hash_t value, char out[HASH_HEX_LEN + 1])
{
    hex64(value.high64, out);
    hex64(value.low64, out + 16);
    out[HASH_HEX_LEN] = '\0';
}

void hasher_finish(struct hasher *h, char out[HASH_HEX_LEN + 1])
{
    hex128(XXH3_128bits_digest(h->state), out);
    XXH3_freeState(h->state);
    free(h);
}

void hash128_hex(const void *data, size_t len, char out[HASH_HEX_LEN + 1])
{
    hex128(XXH3_128bits(data, len), out);
}

int hash_file(const char *path, char out[HASH_HEX_LEN + 1])
{
    struct strbuf content = STRBUF_INIT;
    if (fs_read_file(path, &content)) {
        int saved = errno;
        strbuf_release(&content);
        errno = saved;
        return -1;
    }
    hash128_hex(content.buf, content.len, out);
    strbuf_release(&content);
    return 0;
}

int hash_is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

void hash64_hex(const void *data, size_t len, char out[17])
{
    hex64((unsigned long long)XXH3_64bits(data, len), out);
    out[16] = '\0';
}
