/* tuoyu gen: synthetic national-size data (src/cli/gen.c) and its tables (src/cli/gen_names.c). */
#ifndef TUOYU_CLI_GEN_H
#define TUOYU_CLI_GEN_H

/* A choice with a weight; lists end with a NULL name. */
struct gen_weighted {
    const char *name;
    unsigned weight;
};
/* A province: GB/T 2260 two-digit code, name, residents (10^5), capital's latitude and longitude. */
struct gen_province {
    const char *code, *name;
    unsigned people;
    double lat, lon;
};
/* A county-level division: code, name, parent (prefecture) code. */
struct gen_division {
    const char *code, *name, *parent;
};

extern const struct gen_weighted gen_surnames[];
extern const char *const gen_given_female[],
    *const gen_given_male[], *const gen_streets[], *const gen_brands[], *const gen_name_stems[],
                                                                            *const gen_shiyan[];
extern const struct gen_province gen_provinces[];
extern const struct gen_division gen_hubei[];

/* tuoyu gen --db DB --scale city|province|national --seed N [--institutions N]: returns the exit status. */
int cli_gen(int argc, char **argv);

#endif
