/* availability.c: a unit's planned outage from C. Creates a revision (a
 * time when an object is out of service) of a power plant, adds a weekly
 * recurrence to it (every Monday from 06:00 to 14:00 UTC) and commits; then
 * lists the outage's instances in one month, finds the revision again with
 * a search of the plant's events and reads it back by id, and finally
 * removes it and commits again.
 *
 *   availability [ADDRESS]   (default 127.0.0.1:50051)
 *
 * Needs the official test model (SimpleThermalTestModel), which the emulator
 * holds by default; a Mesh server also needs the status "Planned" among its
 * revision statuses. The exit code is the mesh_status of the first failure,
 * 0 on success. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mesh_capi.h"

/* The unit: any object of the model can have events; its id or its path. */
#define PLANT "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1"
#define EVENT_ID "weekly-maintenance"

#define HOUR_MS ((int64_t)3600 * 1000)
#define DAY_MS (24 * HOUR_MS)
/* 2024-10-07T00:00:00Z, a Monday, and 2025-01-01T00:00:00Z. */
#define MONDAY_MS ((int64_t)1728259200 * 1000)
#define NEW_YEAR_MS ((int64_t)1735689600 * 1000)
/* October 2024: [2024-10-01T00:00Z, 2024-11-01T00:00Z). */
#define OCTOBER_MS ((int64_t)1727740800 * 1000)
#define NOVEMBER_MS ((int64_t)1730419200 * 1000)

static int fail(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

/* A time in ms since the Unix epoch as "YYYY-MM-DD HH:MM" (UTC), or "none". */
static const char *utc(int64_t ms, char *buf, size_t cap) {
    time_t seconds;
    if (ms == MESH_TIME_NONE) return "none";
    seconds = (time_t)(ms / 1000);
    strftime(buf, cap, "%Y-%m-%d %H:%M", gmtime(&seconds));
    return buf;
}

static const char *recurrence_name(int32_t type) {
    switch (type) {
    case MESH_RECURRENCE_TYPE_NONE: return "once";
    case MESH_RECURRENCE_TYPE_DAILY: return "daily";
    case MESH_RECURRENCE_TYPE_WEEKLY: return "weekly";
    case MESH_RECURRENCE_TYPE_MONTHLY: return "monthly";
    case MESH_RECURRENCE_TYPE_YEARLY: return "yearly";
    default: return "repeated in a way this program does not know";
    }
}

/* Creates the revision, then its weekly recurrence. */
static mesh_status plan(mesh_session *session) {
    mesh_availability_event *revision = NULL;
    char owner[37], a[32], b[32], c[32];
    uint32_t recurrence_id = 0;
    /* NULL authors and MESH_TIME_NONE: the server records who and when. */
    mesh_status status = mesh_revision_create(session, PLANT, EVENT_ID, "WO-4711", "turbine inspection",
                                              NULL, MESH_TIME_NONE, NULL, &revision);
    if (status != MESH_OK) return status;
    status = mesh_availability_event_owner_id(revision, owner, sizeof owner, NULL);
    mesh_availability_event_free(revision);
    if (status != MESH_OK) return status;
    printf("created revision %s of %s (object %s)\n", EVENT_ID, PLANT, owner);

    /* The first period, repeated every week until the new year. */
    status = mesh_revision_recurrence_create(session, PLANT, EVENT_ID, "Planned", "Monday shift",
                                             MESH_RECURRENCE_TYPE_WEEKLY, 1, NEW_YEAR_MS, MONDAY_MS + 6 * HOUR_MS,
                                             MONDAY_MS + 14 * HOUR_MS, NULL, &recurrence_id);
    if (status != MESH_OK) return status;
    printf("added recurrence %u: %s to %s UTC, weekly until %s\n", (unsigned)recurrence_id,
           utc(MONDAY_MS + 6 * HOUR_MS, a, sizeof a), utc(MONDAY_MS + 14 * HOUR_MS, b, sizeof b),
           utc(NEW_YEAR_MS, c, sizeof c));
    return MESH_OK;
}

/* Prints the periods the plant is out in October 2024. */
static mesh_status print_instances(mesh_session *session) {
    mesh_availability_instance_list *instances = NULL;
    size_t count = 0, i;
    char a[32], b[32];
    mesh_status status =
        mesh_availability_instance_search(session, PLANT, EVENT_ID, OCTOBER_MS, NOVEMBER_MS, &instances);
    if (status != MESH_OK) return status;
    mesh_availability_instance_list_count(instances, &count);
    printf("out of service in October 2024: %zu times\n", count);
    for (i = 0; i < count; i++) {
        int64_t start = 0, end = 0;
        mesh_availability_instance_list_period_at(instances, i, &start, &end);
        printf("  %s to %s UTC\n", utc(start, a, sizeof a), utc(end, b, sizeof b));
    }
    mesh_availability_instance_list_free(instances);
    return MESH_OK;
}

/* Prints one event as read: its ids, texts and recurrences. */
static void print_event(const mesh_availability_event *event) {
    char id[128], local_id[128], reason[256], text[128], a[32], b[32], c[32];
    int32_t type = 0;
    size_t count = 0, i;
    mesh_availability_event_type(event, &type);
    mesh_availability_event_event_id(event, id, sizeof id, NULL);
    mesh_availability_event_local_id(event, local_id, sizeof local_id, NULL);
    if (mesh_availability_event_reason(event, reason, sizeof reason, NULL) != MESH_OK)
        strcpy(reason, "(long)");
    mesh_availability_event_recurrence_count(event, &count);
    printf("  %s %s (local id %s): \"%s\", %zu recurrence%s\n",
           type == MESH_AVAILABILITY_EVENT_TYPE_REVISION ? "revision" : "restriction", id, local_id, reason,
           count, count == 1 ? "" : "s");
    for (i = 0; i < count; i++) {
        int32_t recurrence = 0;
        uint32_t every = 0;
        int64_t until = 0, start = 0, end = 0;
        mesh_availability_event_recurrence_status_at(event, i, text, sizeof text, NULL);
        mesh_availability_event_recurrence_type_at(event, i, &recurrence);
        mesh_availability_event_recurrence_every_at(event, i, &every);
        mesh_availability_event_recurrence_until_at(event, i, &until);
        /* A revision's recurrences have a first period (a complex
         * restriction's has points instead). */
        if (mesh_availability_event_recurrence_period_at(event, i, &start, &end) != MESH_OK)
            start = end = MESH_TIME_NONE;
        printf("    %s, %s every %u until %s, first %s to %s UTC\n", text, recurrence_name(recurrence),
               (unsigned)every, utc(until, a, sizeof a), utc(start, b, sizeof b), utc(end, c, sizeof c));
    }
}

/* Finds the plant's revisions with a search, then reads ours by id. */
static mesh_status print_events(mesh_session *session) {
    mesh_availability_event_list *found = NULL;
    mesh_availability_event *event = NULL;
    const char *targets[] = {PLANT};
    size_t count = 0, i;
    mesh_status status =
        mesh_availability_event_search(session, MESH_AVAILABILITY_EVENT_TYPE_REVISION, targets, 1, &found);
    if (status != MESH_OK) return status;
    mesh_availability_event_list_count(found, &count);
    printf("search: %zu revision%s of %s\n", count, count == 1 ? "" : "s", PLANT);
    for (i = 0; i < count; i++) {
        mesh_availability_event *item = NULL;
        mesh_availability_event_list_at(found, i, &item); /* borrowed from the list */
        print_event(item);
    }
    mesh_availability_event_list_free(found);

    status = mesh_availability_event_read(session, PLANT, EVENT_ID, &event);
    if (status != MESH_OK) return status;
    printf("read %s by id:\n", EVENT_ID);
    print_event(event);
    mesh_availability_event_free(event);
    return MESH_OK;
}

static mesh_status count_revisions(mesh_session *session, size_t *out_count) {
    mesh_availability_event_list *found = NULL;
    const char *targets[] = {PLANT};
    mesh_status status =
        mesh_availability_event_search(session, MESH_AVAILABILITY_EVENT_TYPE_REVISION, targets, 1, &found);
    if (status != MESH_OK) return status;
    mesh_availability_event_list_count(found, out_count);
    mesh_availability_event_list_free(found);
    return MESH_OK;
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    const char *event_ids[] = {EVENT_ID};
    mesh_connection *connection = NULL;
    mesh_session *session = NULL;
    size_t left = 0;
    mesh_status status;

    status = mesh_connection_open(address, NULL, &connection);
    if (status != MESH_OK) return fail("mesh_connection_open", status);
    status = mesh_session_open(connection, &session);
    if (status != MESH_OK) return fail("mesh_session_open", status);

    /* Events are changes like any other: others see them after commit. */
    status = plan(session);
    if (status != MESH_OK) return fail("planning the outage", status);
    status = mesh_session_commit(session);
    if (status != MESH_OK) return fail("mesh_session_commit", status);
    printf("committed\n\n");

    status = print_instances(session);
    if (status != MESH_OK) return fail("mesh_availability_instance_search", status);
    printf("\n");
    status = print_events(session);
    if (status != MESH_OK) return fail("reading the events", status);
    printf("\n");

    /* Remove it again (MESH_AVAILABILITY_EVENT_TYPE_REVISION with
     * mesh_availability_event_delete_by_type would remove every revision
     * of the plant). */
    status = mesh_availability_event_delete_by_id(session, PLANT, event_ids, 1);
    if (status != MESH_OK) return fail("mesh_availability_event_delete_by_id", status);
    status = mesh_session_commit(session);
    if (status != MESH_OK) return fail("mesh_session_commit", status);
    status = count_revisions(session, &left);
    if (status != MESH_OK) return fail("mesh_availability_event_search", status);
    printf("deleted %s and committed: %zu revisions left\n", EVENT_ID, left);

    mesh_session_close(session);
    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
