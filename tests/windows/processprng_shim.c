/*
 * A stand-in bcryptprimitives.dll for running Windows builds under Wine 8,
 * which lacks ProcessPrng. Rust's standard library imports ProcessPrng from
 * bcryptprimitives.dll (Windows 10 and later have it), so without this shim
 * the loader refuses mesh_capi.dll. Test-only: never shipped; Wine 9 and
 * Windows itself need no shim.
 */
#include <windows.h>

/* RtlGenRandom, exported by advapi32 under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
    /* ProcessPrng takes a SIZE_T, RtlGenRandom a ULONG: fill in pieces. */
    while (size > 0) {
        ULONG piece = size > 0x40000000u ? 0x40000000u : (ULONG)size;
        if (!SystemFunction036(data, piece)) return FALSE;
        data += piece;
        size -= piece;
    }
    return TRUE;
}
