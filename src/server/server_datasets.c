/*
 * server_datasets.c - the one table of dataset names: OpenSanctions names as
 * aliases of embargo's sources (the source names are those of
 * src/sources/formats.c), the collections, and resolving a name a request
 * gives (/match/{dataset}, /search/{dataset}, include_dataset, exclude_dataset).
 */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "server/server_datasets.h"
#include "server/server_internal.h"

static const srv_dataset_info datasets[] = {
    {"us_ofac_sdn", "ofac_sdn", "US OFAC Specially Designated Nationals (SDN) List",
     "The primary United States sanctions list of the Treasury's Office of Foreign Assets "
     "Control: persons, companies, vessels and aircraft whose property is blocked.",
     "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-"
     "readable-lists",
     "Office of Foreign Assets Control (OFAC)"},
    {"us_ofac_cons", "ofac_cons", "US OFAC Consolidated (non-SDN) Sanctions List",
     "OFAC's sanctions lists other than the SDN list (sectoral sanctions, non-SDN menu-based "
     "sanctions, foreign sanctions evaders and others).",
     "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists",
     "Office of Foreign Assets Control (OFAC)"},
    {"un_sc_sanctions", "un_sc", "UN Security Council Consolidated Sanctions List",
     "All individuals and entities subject to sanctions measures imposed by the United Nations "
     "Security Council.",
     "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list",
     "United Nations Security Council"},
    {"eu_fsf", "eu_fsf", "EU Financial Sanctions Files (FSF)",
     "The consolidated list of persons, groups and entities subject to EU financial sanctions.",
     "https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-"
     "subject-to-eu-financial-sanctions",
     "European Commission"},
    {"gb_hmt_sanctions", "uk_ofsi", "UK HM Treasury (OFSI) Consolidated List of Targets",
     "The financial sanctions targets of the UK Office of Financial Sanctions Implementation.",
     "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets",
     "Office of Financial Sanctions Implementation (OFSI)"},
    {"gb_fcdo_sanctions", "uk_fcdo", "UK FCDO Sanctions List",
     "The UK Sanctions List of the Foreign, Commonwealth and Development Office: every person, "
     "entity and ship designated under UK sanctions regulations.",
     "https://www.gov.uk/government/publications/the-uk-sanctions-list",
     "Foreign, Commonwealth and Development Office (FCDO)"},
};
#define NDATASETS (sizeof datasets / sizeof datasets[0])

const char *const srv_collections[] = {"default", "sanctions", NULL};

int srv_dataset_is_collection(const char *name) {
    if (!name) return 0;
    for (size_t i = 0; srv_collections[i]; i++)
        if (strcmp(name, srv_collections[i]) == 0) return 1;
    return strcmp(name, "all") == 0;
}

const srv_dataset_info *srv_dataset_of_source(const char *source) {
    for (size_t i = 0; source && i < NDATASETS; i++)
        if (strcmp(datasets[i].source, source) == 0) return &datasets[i];
    return NULL;
}

const srv_dataset_info *srv_dataset_of_name(const char *name) {
    for (size_t i = 0; name && i < NDATASETS; i++)
        if (strcmp(datasets[i].name, name) == 0) return &datasets[i];
    return NULL;
}

int srv_dataset_resolve(const srv_gen *g, const char *name, srv_dataset_sel *out) {
    memset(out, 0, sizeof *out);
    if (!name || !*name || srv_dataset_is_collection(name)) {
        out->all = 1;
        return 0;
    }
    const srv_dataset_info *d = srv_dataset_of_name(name);
    const char *source = d ? d->source : name;
    if (g && !srv_gen_has_source(g, source)) return -1;
    if (!g && !d && !srv_dataset_of_source(name)) return -1;
    out->sources[out->n++] = d ? d->source : name;
    return 0;
}

static void params_remove(srv_params *p, size_t i) {
    free(p->keys[i]);
    free(p->values[i]);
    memmove(p->keys + i, p->keys + i + 1, (p->len - i - 1) * sizeof *p->keys);
    memmove(p->values + i, p->values + i + 1, (p->len - i - 1) * sizeof *p->values);
    p->len--;
}

void srv_datasets_rewrite_params(srv_params *p) {
    int drop_includes = 0;
    for (size_t i = 0; i < p->len; i++) {
        int inc = strcmp(p->keys[i], "include_dataset") == 0;
        if (!inc && strcmp(p->keys[i], "exclude_dataset") != 0) continue;
        if (inc && srv_dataset_is_collection(p->values[i])) drop_includes = 1;
        const srv_dataset_info *d = srv_dataset_of_name(p->values[i]);
        if (d) {
            free(p->values[i]);
            p->values[i] = em_xstrdup(d->source);
        }
    }
    for (size_t i = p->len; drop_includes && i-- > 0;)
        if (strcmp(p->keys[i], "include_dataset") == 0) params_remove(p, i);
}
