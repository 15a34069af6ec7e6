/* National identifier codes: the unified social credit code (GB 32100) and the resident ID number
 * (GB 11643). Pure functions, no I/O. */
#ifndef TUOYU_CODES_H
#define TUOYU_CODES_H
#include <stdbool.h>

/* The check character of the first 17 characters of a USCC, or 0 when one of them is not in the alphabet
 * 0-9 A-H J-N P Q R T U W X Y. */
char uscc_check_char(const char *first17);
/* 18 characters, valid alphabet, correct check character (upper case only). */
bool uscc_valid(const char *s);

enum legal_form { LEGAL_ENTERPRISE, LEGAL_SOCIAL_ORG, LEGAL_PUBLIC_INSTITUTION, LEGAL__COUNT };
extern const char *const legal_form_names[]; /* "enterprise", "social_org", "public_institution", NULL */
/* Whether the USCC's registration-authority and type digits agree with the legal form: 9x enterprise,
 * 5x social organisation, 1x public institution. Assumes an 18-character code. */
bool uscc_matches_legal_form(const char *uscc, enum legal_form lf);

/* The check character of the first 17 digits of an ID number ('0'-'9' or 'X'), or 0 for a non-digit. */
char idnum_check_char(const char *first17);
/* A copy of an ID number as typed, with a lower-case check character x made upper case (GB 11643 writes X),
 * in the arena. */
struct arena;
char *idnum_normalize(struct arena *a, const char *s);
/* 18 characters, 17 digits and a correct check character (X upper case), and digits 7–14 a real date. */
bool idnum_valid(const char *s);

#endif
