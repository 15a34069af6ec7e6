#include "auth/pii.h"

#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Two independent keys: sealing and matching. Knowing the hash key does not open a sealed value. */
struct keys {
    unsigned char seal[crypto_secretbox_KEYBYTES];
    unsigned char match[crypto_auth_hmacsha256_KEYBYTES];
};
static struct keys *keys;

bool pii_ready(void)
{
    return keys != NULL;
}

static enum err key_path(const char *db_url, char *out, size_t n)
{
    const char *env = getenv("TUOYU_KEY_FILE");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return OK;
    }
    if (!db_url || strstr(db_url, "://")) return ERR_NOT_FOUND;
    snprintf(out, n, "%s.keys", db_url);
    return OK;
}

static enum err write_new(const char *path)
{
    struct keys k;
    randombytes_buf(&k, sizeof k);
    char hex[2 * sizeof k + 2];
    sodium_bin2hex(hex, sizeof hex, (const unsigned char *)&k, sizeof k);
    sodium_memzero(&k, sizeof k);
    size_t len = strlen(hex);
    hex[len++] = '\n';
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return ERR_IO;
    bool ok = write(fd, hex, len) == (ssize_t)len && fsync(fd) == 0;
    sodium_memzero(hex, sizeof hex);
    return close(fd) == 0 && ok ? OK : ERR_IO;
}

enum err pii_init(const char *db_url, bool create)
{
    if (keys) return OK;
    char path[1024];
    enum err e = key_path(db_url, path, sizeof path);
    if (e != OK) {
        log_msg(LOG_ERROR, "no key file: set TUOYU_KEY_FILE for a PostgreSQL database");
        return e;
    }
    if (access(path, F_OK) != 0) {
        if (!create) return ERR_NOT_FOUND;
        e = write_new(path);
        if (e != OK) {
            log_msg(LOG_ERROR, "cannot create key file %s", path);
            return e;
        }
        log_msg(LOG_INFO, "created key file %s: keep it outside backups of the database", path);
    }
    FILE *f = fopen(path, "r");
    if (!f) return ERR_IO;
    char hex[2 * sizeof(struct keys) + 8] = {0};
    size_t got = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    while (got && (hex[got - 1] == '\n' || hex[got - 1] == '\r'))
        hex[--got] = 0;
    keys = sodium_malloc(sizeof *keys);
    size_t bin = 0;
    if (!keys || got != 2 * sizeof(struct keys) ||
        sodium_hex2bin((unsigned char *)keys, sizeof *keys, hex, got, NULL, &bin, NULL) != 0 ||
        bin != sizeof *keys) {
        sodium_memzero(hex, sizeof hex);
        if (keys) sodium_free(keys);
        keys = NULL;
        log_msg(LOG_ERROR, "key file %s is malformed", path);
        return ERR_IO;
    }
    sodium_memzero(hex, sizeof hex);
    sodium_mprotect_readonly(keys);
    return OK;
}

unsigned char *pii_seal(struct arena *a, const char *plaintext, size_t *len)
{
    size_t n = strlen(plaintext);
    *len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *out = arena_alloc(a, *len);
    randombytes_buf(out, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, (const unsigned char *)plaintext, n, out,
                          keys->seal);
    return out;
}

char *pii_open(struct arena *a, const unsigned char *sealed, size_t len)
{
    if (!keys || len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) return NULL;
    size_t n = len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *out = arena_alloc(a, n + 1);
    if (crypto_secretbox_open_easy((unsigned char *)out, sealed + crypto_secretbox_NONCEBYTES,
                                   len - crypto_secretbox_NONCEBYTES, sealed, keys->seal) != 0)
        return NULL;
    out[n] = 0;
    return out;
}

void pii_hash(const char *idnum, char out[PII_HASH_HEX])
{
    char norm[32];
    size_t n = 0;
    for (const char *p = idnum; *p && n < sizeof norm - 1; p++)
        norm[n++] = *p == 'x' ? 'X' : *p;
    norm[n] = 0;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)norm, n, keys->match);
    sodium_bin2hex(out, PII_HASH_HEX, mac, sizeof mac);
}

static char *mask(struct arena *a, const char *s, size_t keep_head, size_t keep_tail)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 8) return arena_strdup(a, "****");
    char *out = arena_strdup(a, s);
    for (size_t i = keep_head; i < n - keep_tail; i++)
        out[i] = '*';
    return out;
}

char *pii_mask_id(struct arena *a, const char *idnum)
{
    return mask(a, idnum, 4, 4);
}

char *pii_mask_phone(struct arena *a, const char *phone)
{
    return mask(a, phone, 3, 4);
}

bool pii_derive_key(const char context[8], uint64_t id, unsigned char out[32])
{
    if (!keys) return false;
    _Static_assert(crypto_kdf_KEYBYTES == crypto_auth_hmacsha256_KEYBYTES, "the matching key is a KDF key");
    return crypto_kdf_derive_from_key(out, 32, id, context, keys->match) == 0;
}
