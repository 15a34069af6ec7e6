/* Personal data at rest: ID numbers and phone numbers of children, guardians and staff are stored only sealed
 * (libsodium secretbox) plus, for ID numbers, a keyed hash (HMAC-SHA-256 with a separate key) to match on,
 * and a masked form to show. The keys live in a file outside the database. */
#ifndef TUOYU_PII_H
#define TUOYU_PII_H
#include "core/arena.h"
#include "core/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PII_HASH_HEX 65

/* Load the keys. path NULL means: $TUOYU_KEY_FILE, else "<db>.keys" beside a SQLite database (db_url), and
 * for a postgresql:// URL $TUOYU_KEY_FILE is required. With create, a missing file is made with fresh random
 * keys (mode 0600). Returns ERR_NOT_FOUND when the file is missing and create is false, ERR_IO when
 * unreadable or malformed. Call once at start-up, before threads; the keys stay in locked memory until exit.
 */
enum err pii_init(const char *db_url, bool create);
/* Whether keys are loaded. */
bool pii_ready(void);

/* Seal plaintext: returns nonce || ciphertext (arena), *len its length. */
unsigned char *pii_seal(struct arena *a, const char *plaintext, size_t *len);
/* Open a sealed value; NULL when it does not authenticate (tampered or another key). */
char *pii_open(struct arena *a, const unsigned char *sealed, size_t len);
/* Keyed hash of a normalised ID number (upper-case X) as 64 hex characters into out. */
void pii_hash(const char *idnum, char out[PII_HASH_HEX]);
/* Masks: "420303198501011235" → "4203**********1235"; "13812345678" → "138****5678"; anything shorter than
 * 8 characters becomes "****". Result in the arena. */
char *pii_mask_id(struct arena *a, const char *idnum);
char *pii_mask_phone(struct arena *a, const char *phone);

/* A key for another purpose (32 bytes into out) derived from the matching key with libsodium's crypto_kdf
 * under an 8-character context (e.g. "receipts"), so the one key file serves every keyed MAC; different
 * contexts or ids give independent keys, and the derived key reveals nothing of the matching key. Returns
 * false when no keys are loaded. Pure apart from reading the loaded keys. */
bool pii_derive_key(const char context[8], uint64_t id, unsigned char out[32]);

#endif
