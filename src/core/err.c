#include "core/err.h"

static const struct {
    unsigned status;
    const char *name;
    const char *zh;
} errors[] = {
#define X(code, status, name, zh) [code] = {status, name, zh},
    TUOYU_ERRORS(X)
#undef X
};

unsigned err_status(enum err e)
{
    return (unsigned)e < ERR__COUNT ? errors[e].status : 500;
}

const char *err_name(enum err e)
{
    return (unsigned)e < ERR__COUNT ? errors[e].name : "internal_error";
}

const char *err_message_zh(enum err e)
{
    return (unsigned)e < ERR__COUNT ? errors[e].zh : "内部错误";
}
