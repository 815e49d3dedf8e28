/*
 * version_info.c: prints the version resource of a DLL as Windows reads it
 * (GetFileVersionInfo), to check what mesh_capi.dll carries.
 *
 *   version_info PATH
 *
 * Prints "fixed A.B.C.D", then "NAME=VALUE" for the strings asked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

int main(int argc, char **argv) {
    static const char *names[] = {"FileVersion", "ProductVersion", "ProductName",
                                  "OriginalFilename", "FileDescription"};
    DWORD ignored = 0, size;
    void *data;
    VS_FIXEDFILEINFO *fixed = NULL;
    UINT len = 0;
    size_t i;

    if (argc < 2) {
        fprintf(stderr, "usage: version_info PATH\n");
        return 2;
    }
    size = GetFileVersionInfoSizeA(argv[1], &ignored);
    if (size == 0) {
        fprintf(stderr, "no version resource in %s (error %u)\n", argv[1], (unsigned)GetLastError());
        return 1;
    }
    data = malloc(size);
    if (data == NULL || !GetFileVersionInfoA(argv[1], 0, size, data)) return 1;
    if (!VerQueryValueA(data, "\\", (void **)&fixed, &len) || len < sizeof *fixed) return 1;
    printf("fixed %u.%u.%u.%u\n", (unsigned)HIWORD(fixed->dwFileVersionMS),
           (unsigned)LOWORD(fixed->dwFileVersionMS), (unsigned)HIWORD(fixed->dwFileVersionLS),
           (unsigned)LOWORD(fixed->dwFileVersionLS));
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char query[128];
        char *value = NULL;
        snprintf(query, sizeof query, "\\StringFileInfo\\040904b0\\%s", names[i]);
        if (VerQueryValueA(data, query, (void **)&value, &len) && value != NULL) {
            printf("%s=%s\n", names[i], value);
        }
    }
    free(data);
    return 0;
}
