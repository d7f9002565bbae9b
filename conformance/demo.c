/*
 * wine-lpc demo: ntdll's LPC and ALPC exports resolve
 *
 * Built with plain mingw-w64 headers and <ntdef/ntlpcapi.h>, as a user's
 * program would be.  Later issues turn it into a real client and server.
 */

#include <stdio.h>
#include <windows.h>
#include <winternl.h>
#include <ntdef/ntlpcapi.h>

#include "lpc_exports.h"

#define NAME_NT(n) "Nt" #n,
#define NAME(n) #n,

static const char * const names[] =
{
    LPC_SYSCALLS(NAME_NT)
    ALPC_SYSCALLS(NAME_NT)
    ALPC_HELPERS(NAME)
};

int main(void)
{
    HMODULE ntdll = GetModuleHandleA( "ntdll.dll" );
    unsigned int i, found = 0;
    HANDLE port = NULL;
    NTSTATUS status;

    printf( "ntdll's LPC and ALPC exports:\n" );
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    {
        void *p = GetProcAddress( ntdll, names[i] );
        printf( "  %-46s %s\n", names[i], p ? "found" : "MISSING" );
        if (p) found++;
    }
    printf( "%u of %u exports found\n\n", found, i );

    printf( "AlpcGetHeaderSize(all seven attributes) = %lu bytes\n",
            AlpcGetHeaderSize( ALPC_MESSAGE_SECURITY_ATTRIBUTE | ALPC_MESSAGE_VIEW_ATTRIBUTE |
                               ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_HANDLE_ATTRIBUTE |
                               ALPC_MESSAGE_TOKEN_ATTRIBUTE | ALPC_MESSAGE_DIRECT_ATTRIBUTE |
                               ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE ) );
    status = NtAlpcCreatePort( &port, NULL, NULL );
    printf( "NtAlpcCreatePort -> %#lx%s\n", (unsigned long)status,
            status == (NTSTATUS)0xc0000002 ? " (STATUS_NOT_IMPLEMENTED until the ALPC issue lands)" : "" );
    if (!status) CloseHandle( port );
    return found == i ? 0 : 1;
}
