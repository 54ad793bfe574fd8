#ifndef FRONTDESK_CSQLITE_SHIM_H
#define FRONTDESK_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type frontdesk_sqlite_transient(void) { return SQLITE_TRANSIENT; }

// matched_phrases(fts_table): how many of the query's phrases the current row holds, in any
// column. bm25 sums over the terms, so one term repeated often can outscore several found
// once; a knowledge search needs the count of distinct terms beside the score, and a query
// per term to count them cost four times the search itself.
static inline void frontdesk_fts5_matched_phrases(
    const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context, int argc, sqlite3_value **argv
) {
    (void)argc;
    (void)argv;
    int phrases = api->xPhraseCount(fts);
    int matched = 0;
    for (int phrase = 0; phrase < phrases; phrase++) {
        Fts5PhraseIter iterator;
        int column = -1, offset = -1;
        if (api->xPhraseFirst(fts, phrase, &iterator, &column, &offset) == SQLITE_OK && column >= 0) matched++;
    }
    sqlite3_result_int(context, matched);
}

// Registers FrontDesk's FTS5 functions on a connection (the documented way to reach fts5_api:
// `SELECT fts5(?1)` with a bound pointer).
static inline int frontdesk_register_fts5_functions(sqlite3 *db) {
    fts5_api *api = 0;
    sqlite3_stmt *statement = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, 0);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_pointer(statement, 1, (void *)&api, "fts5_api_ptr", 0);
    sqlite3_step(statement);
    rc = sqlite3_finalize(statement);
    if (rc != SQLITE_OK) return rc;
    if (api == 0 || api->iVersion < 2) return SQLITE_ERROR;
    return api->xCreateFunction(api, "matched_phrases", 0, frontdesk_fts5_matched_phrases, 0);
}
#endif
