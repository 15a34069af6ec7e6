/* Password hashing with Argon2id. Each hash takes ~64 MiB and a tenth of a second, so at most one per core
 * runs at once: a burst of logins queues instead of exhausting memory or starving the request threads. */
#include "auth/auth.h"
#include "core/log.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t slots_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_cv = PTHREAD_COND_INITIALIZER;
static long slots_free = 1;

enum err auth_init(void)
{
    if (sodium_init() < 0) {
        log_msg(LOG_ERROR, "libsodium failed to initialise");
        return ERR_INTERNAL;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    slots_free = n > 0 ? n : 1;
    return OK;
}

static void slot_take(void)
{
    pthread_mutex_lock(&slots_mu);
    while (slots_free <= 0)
        pthread_cond_wait(&slots_cv, &slots_mu);
    slots_free--;
    pthread_mutex_unlock(&slots_mu);
}

static void slot_give(void)
{
    pthread_mutex_lock(&slots_mu);
    slots_free++;
    pthread_cond_signal(&slots_cv);
    pthread_mutex_unlock(&slots_mu);
}

enum err auth_hash_password(const char *password, char *out, size_t out_size)
{
    if (out_size < crypto_pwhash_STRBYTES) return ERR_INTERNAL;
    slot_take();
    int rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    slot_give();
    return rc == 0 ? OK : ERR_NOMEM;
}

bool auth_check_password(const char *hash, const char *password)
{
    slot_take();
    int rc = crypto_pwhash_str_verify(hash, password, strlen(password));
    slot_give();
    return rc == 0;
}
