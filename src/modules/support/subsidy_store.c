/* Placeholder: filled in by its module. */
typedef int tuoyu_placeholder_subsidy_store;
