/* model.c: the Mesh model from C. Walks every model from mesh_model_list_read
 * down through the ownership relations and prints it as a tree, searches for
 * the chimneys, prints a plant's attributes with their types and values, and
 * changes the plant's DblAtt in one session to show that a second session
 * sees the change only after commit (then puts the old value back).
 *
 *   model [ADDRESS]   (default 127.0.0.1:50051)
 *
 * Needs the official test model (SimpleThermalTestModel), which the emulator
 * holds by default. The exit code is the mesh_status of the first failure,
 * 0 on success. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mesh_capi.h"

#define PLANT "Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1"
#define COMPONENT "Model/SimpleThermalTestModel/ThermalComponent"
/* Paths may leave out the ownership relations' names, as here. */
#define DBL_ATT PLANT ".DblAtt"

static int fail(const char *what, mesh_status status) {
    char message[512];
    mesh_last_error_message(message, sizeof message);
    fprintf(stderr, "%s failed: %s: %s\n", what, mesh_status_name(status), message);
    return (int)status;
}

static const char *type_name(int32_t type) {
    switch (type) {
    case MESH_ATTRIBUTE_VALUE_TYPE_INT: return "int";
    case MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE: return "double";
    case MESH_ATTRIBUTE_VALUE_TYPE_BOOL: return "bool";
    case MESH_ATTRIBUTE_VALUE_TYPE_STRING: return "string";
    case MESH_ATTRIBUTE_VALUE_TYPE_UTC_TIME: return "UTC time";
    case MESH_ATTRIBUTE_VALUE_TYPE_TIMESERIES: return "time series";
    case MESH_ATTRIBUTE_VALUE_TYPE_OWNERSHIP_RELATION: return "ownership";
    case MESH_ATTRIBUTE_VALUE_TYPE_LINK_RELATION: return "link";
    case MESH_ATTRIBUTE_VALUE_TYPE_VERSIONED_LINK_RELATION: return "versioned link";
    case MESH_ATTRIBUTE_VALUE_TYPE_RATING_CURVE: return "rating curve";
    case MESH_ATTRIBUTE_VALUE_TYPE_XY_SET: return "XY set";
    default: return "unspecified";
    }
}

/* Prints an object's name and type, then, one level deeper, every object
 * its ownership attributes own. Each object is read with one call; the
 * attribute handles are borrowed from it and need no freeing. */
static mesh_status print_tree(mesh_session *session, const char *target, int depth) {
    mesh_object *object = NULL;
    char name[256], type[256], child[37];
    size_t count = 0, i, j, values = 0;
    int32_t value_type = 0;
    mesh_status status = mesh_object_read(session, target, MESH_MODEL_VIEW_NO_DEFINITIONS, NULL, NULL, NULL,
                                           &object);
    if (status != MESH_OK) return status;
    mesh_object_name(object, name, sizeof name, NULL);
    mesh_object_type_name(object, type, sizeof type, NULL);
    printf("%*s%s (%s)\n", 2 * depth, "", name, type);
    mesh_object_attribute_count(object, &count);
    for (i = 0; i < count && status == MESH_OK; i++) {
        mesh_attribute *attribute = NULL;
        mesh_object_attribute_at(object, i, &attribute);
        mesh_attribute_value_type(attribute, &value_type);
        if (value_type != MESH_ATTRIBUTE_VALUE_TYPE_OWNERSHIP_RELATION) continue;
        mesh_attribute_value_count(attribute, &values);
        for (j = 0; j < values && status == MESH_OK; j++) {
            status = mesh_attribute_value_target_id_at(attribute, j, child, sizeof child, NULL);
            if (status == MESH_OK && child[0] != '\0')
                status = print_tree(session, child, depth + 1);
        }
    }
    mesh_object_free(object);
    return status;
}

static mesh_status print_models(mesh_session *session) {
    mesh_object_list *models = NULL;
    size_t count = 0, i;
    char id[37];
    mesh_status status = mesh_model_list_read(session, &models);
    if (status != MESH_OK) return status;
    mesh_object_list_count(models, &count);
    printf("%zu models:\n", count);
    for (i = 0; i < count && status == MESH_OK; i++) {
        mesh_object *model = NULL;
        mesh_object_list_at(models, i, &model); /* borrowed from the list */
        mesh_object_id(model, id, sizeof id, NULL);
        status = print_tree(session, id, 1);
    }
    mesh_object_list_free(models);
    return status;
}

static mesh_status print_chimneys(mesh_session *session) {
    mesh_object_list *found = NULL;
    size_t count = 0, i;
    char path[512];
    mesh_status status = mesh_object_search(session, COMPONENT, "*[.Type=ChimneyElementType]",
                                            MESH_MODEL_VIEW_NO_ATTRIBUTES, NULL, NULL, NULL, &found);
    if (status != MESH_OK) return status;
    mesh_object_list_count(found, &count);
    printf("search *[.Type=ChimneyElementType] from %s: %zu objects\n", COMPONENT, count);
    for (i = 0; i < count; i++) {
        mesh_object *chimney = NULL;
        mesh_object_list_at(found, i, &chimney);
        mesh_object_path(chimney, path, sizeof path, NULL);
        printf("  %s\n", path);
    }
    mesh_object_list_free(found);
    return MESH_OK;
}

/* Prints one value of a simple attribute. */
static void print_value(mesh_attribute *attribute, int32_t type, size_t i) {
    int64_t n = 0;
    size_t versions = 0;
    double d = 0;
    int32_t b = 0;
    char text[256], when[32];
    time_t seconds;
    switch (type) {
    case MESH_ATTRIBUTE_VALUE_TYPE_INT:
        mesh_attribute_value_int_at(attribute, i, &n);
        printf("%lld", (long long)n);
        break;
    case MESH_ATTRIBUTE_VALUE_TYPE_DOUBLE:
        mesh_attribute_value_double_at(attribute, i, &d);
        printf("%g", d);
        break;
    case MESH_ATTRIBUTE_VALUE_TYPE_BOOL:
        mesh_attribute_value_bool_at(attribute, i, &b);
        printf("%s", b ? "true" : "false");
        break;
    case MESH_ATTRIBUTE_VALUE_TYPE_STRING:
        if (mesh_attribute_value_string_at(attribute, i, text, sizeof text, NULL) == MESH_OK)
            printf("\"%s\"", text);
        else
            printf("(longer than %zu bytes)", sizeof text);
        break;
    case MESH_ATTRIBUTE_VALUE_TYPE_UTC_TIME:
        mesh_attribute_value_utc_time_at(attribute, i, &n);
        seconds = (time_t)(n / 1000);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&seconds));
        printf("%s", when);
        break;
    case MESH_ATTRIBUTE_VALUE_TYPE_OWNERSHIP_RELATION:
    case MESH_ATTRIBUTE_VALUE_TYPE_LINK_RELATION:
        mesh_attribute_value_target_id_at(attribute, i, text, sizeof text, NULL);
        printf("-> %s", text[0] ? text : "(nothing)");
        break;
    case MESH_ATTRIBUTE_VALUE_TYPE_VERSIONED_LINK_RELATION:
        mesh_attribute_version_count_at(attribute, i, &versions);
        printf("%zu versions", versions);
        break;
    default:
        printf("?");
    }
}

/* Prints the series connected to a time series attribute by its catalog
 * path: Mesh may report key 0 for a connected series (the plant's TsRawAtt
 * here), so the key alone cannot say which series it is, or whether there
 * is one. */
static void print_resource(const mesh_attribute *attribute) {
    mesh_timeseries_resource *resource = NULL;
    char path[512];
    int64_t key = 0;
    if (mesh_attribute_timeseries_resource(attribute, &resource) != MESH_OK) {
        printf(", resource unreadable");
        return;
    }
    if (resource == NULL) {
        printf(", no resource connected");
        return;
    }
    if (mesh_timeseries_resource_path(resource, path, sizeof path, NULL) != MESH_OK)
        strcpy(path, "(long path)");
    mesh_timeseries_resource_key(resource, &key);
    printf(" -> %s", path);
    if (key != 0) printf(" (key %lld)", (long long)key);
    mesh_timeseries_resource_free(resource);
}

static mesh_status print_attributes(mesh_session *session) {
    mesh_object *plant = NULL;
    size_t count = 0, i, j, values = 0;
    mesh_status status = mesh_object_read(session, PLANT, MESH_MODEL_VIEW_NO_DEFINITIONS, NULL, NULL, NULL,
                                           &plant);
    if (status != MESH_OK) return status;
    mesh_object_attribute_count(plant, &count);
    printf("%s has %zu attributes:\n", PLANT, count);
    for (i = 0; i < count; i++) {
        mesh_attribute *attribute = NULL;
        char name[128], expression[256];
        int32_t type = 0, collection = 0, local = 0;
        mesh_object_attribute_at(plant, i, &attribute);
        mesh_attribute_name(attribute, name, sizeof name, NULL);
        mesh_attribute_value_type(attribute, &type);
        mesh_attribute_is_collection(attribute, &collection);
        mesh_attribute_value_count(attribute, &values);
        printf("  %-32s %s%s", name, type_name(type), collection ? " collection" : "");
        if (type == MESH_ATTRIBUTE_VALUE_TYPE_TIMESERIES) {
            mesh_attribute_timeseries_is_local_expression(attribute, &local);
            if (mesh_attribute_timeseries_expression(attribute, expression, sizeof expression,
                                                     NULL) != MESH_OK)
                strcpy(expression, "(long)");
            if (expression[0]) {
                /* Expressions are lines: shown on one. */
                char *c;
                size_t n = strlen(expression);
                while (n > 0 && (expression[n - 1] == '\n' || expression[n - 1] == ' '))
                    expression[--n] = '\0';
                for (c = expression; *c; c++)
                    if (*c == '\n') *c = ' ';
                printf(" = %s expression: %s", local ? "local" : "template", expression);
            }
            else
                print_resource(attribute);
        } else if (values > 0) {
            printf(" =");
            for (j = 0; j < values; j++) {
                printf(j == 0 ? " " : ", ");
                print_value(attribute, type, j);
            }
        }
        printf("\n");
    }
    mesh_object_free(plant);
    return MESH_OK;
}

static mesh_status read_double(mesh_session *session, const char *target, double *out) {
    mesh_attribute *attribute = NULL;
    mesh_status status = mesh_attribute_read(session, target, MESH_MODEL_VIEW_NO_DEFINITIONS, &attribute);
    if (status != MESH_OK) return status;
    status = mesh_attribute_value_double_at(attribute, 0, out);
    mesh_attribute_free(attribute);
    return status;
}

int main(int argc, char **argv) {
    const char *address = argc > 1 ? argv[1] : "127.0.0.1:50051";
    mesh_connection *connection = NULL;
    mesh_session *writer = NULL, *reader = NULL;
    double before = 0, value = 0;
    mesh_status status;

    status = mesh_connection_open(address, NULL, &connection);
    if (status != MESH_OK) return fail("mesh_connection_open", status);
    status = mesh_session_open(connection, &writer);
    if (status != MESH_OK) return fail("mesh_session_open", status);
    status = mesh_session_open(connection, &reader);
    if (status != MESH_OK) return fail("mesh_session_open", status);

    status = print_models(writer);
    if (status != MESH_OK) return fail("walking the models", status);
    printf("\n");
    status = print_chimneys(writer);
    if (status != MESH_OK) return fail("mesh_object_search", status);
    printf("\n");
    status = print_attributes(writer);
    if (status != MESH_OK) return fail("reading the plant", status);
    printf("\n");

    status = read_double(writer, DBL_ATT, &before);
    if (status != MESH_OK) return fail("reading DblAtt", status);
    status = mesh_attribute_update_double(writer, DBL_ATT, before + 234.5);
    if (status != MESH_OK) return fail("mesh_attribute_update_double", status);
    printf("DblAtt was %g; set to %g in the first session\n", before, before + 234.5);
    if ((status = read_double(writer, DBL_ATT, &value)) != MESH_OK)
        return fail("reading DblAtt", status);
    printf("first session reads DblAtt = %g\n", value);
    if ((status = read_double(reader, DBL_ATT, &value)) != MESH_OK)
        return fail("reading DblAtt", status);
    printf("second session before commit reads DblAtt = %g\n", value);
    status = mesh_session_commit(writer);
    if (status != MESH_OK) return fail("mesh_session_commit", status);
    printf("committed\n");
    if ((status = read_double(reader, DBL_ATT, &value)) != MESH_OK)
        return fail("reading DblAtt", status);
    printf("second session after commit reads DblAtt = %g\n", value);

    /* Put the old value back, for the next run. */
    status = mesh_attribute_update_double(writer, DBL_ATT, before);
    if (status == MESH_OK) status = mesh_session_commit(writer);
    if (status != MESH_OK) return fail("restoring DblAtt", status);

    mesh_session_close(reader);
    mesh_session_close(writer);
    mesh_connection_close(connection);
    mesh_library_shutdown();
    return 0;
}
