/*
 * Every LPC and ALPC export of ntdll resolves, by import and by name
 *
 * Copyright 2026 the wine-lpc authors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA
 */

#include <stdarg.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winbase.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"
#include "wine/test.h"

#include "lpc_exports.h"

struct export
{
    const char *name;
    void      **slot;       /* its import address table slot, filled by the loader */
    const char *twin;       /* the Zw alias of a syscall */
    void      **twin_slot;
};

/* Taking a function's address would give the exe's own jump thunk, so the
 * import slots are compared.  The Zw twins come from mingw-w64's import
 * library, as in users' programs: Wine's leaves them out. */
#define SLOT_NT(n) extern void *__imp_Nt##n, *__imp_Zw##n;
#define SLOT(n)    extern void *__imp_##n;
LPC_SYSCALLS(SLOT_NT)
ALPC_SYSCALLS(SLOT_NT)
ALPC_HELPERS(SLOT)

#define SYSCALL(n) { "Nt" #n, &__imp_Nt##n, "Zw" #n, &__imp_Zw##n },
#define HELPER(n)  { #n, &__imp_##n, NULL, NULL },

static const struct export exports[] =
{
    LPC_SYSCALLS(SYSCALL)
    ALPC_SYSCALLS(SYSCALL)
    ALPC_HELPERS(HELPER)
};

/* x64 syscall stubs start with "mov r10, rcx; mov eax, <number>" on Windows,
 * and Wine copies that shape because applications look for it. */
static BOOL is_syscall_stub( const void *func )
{
    static const BYTE prologue[] = { 0x4c, 0x8b, 0xd1, 0xb8 };
    return !memcmp( func, prologue, sizeof(prologue) );
}

static void test_exports(void)
{
    HMODULE ntdll = GetModuleHandleA( "ntdll.dll" );
    unsigned int i, syscalls = 0;

    ok( ntdll != NULL, "no ntdll\n" );
    for (i = 0; i < ARRAY_SIZE(exports); i++)
    {
        const struct export *e = &exports[i];
        void *by_name = GetProcAddress( ntdll, e->name );

        ok( by_name != NULL, "%s is not exported\n", e->name );
        ok( by_name == *e->slot, "%s: GetProcAddress %p, import %p\n", e->name, by_name, *e->slot );
        if (!e->twin) continue;

        syscalls++;
        ok( by_name && is_syscall_stub( by_name ), "%s is not a syscall stub\n", e->name );
        by_name = GetProcAddress( ntdll, e->twin );
        ok( by_name != NULL, "%s is not exported\n", e->twin );
        ok( by_name == *e->twin_slot, "%s: GetProcAddress %p, import %p\n", e->twin, by_name,
            *e->twin_slot );
        ok( by_name == *e->slot, "%s is not the same entry point as %s\n", e->twin, e->name );
    }
    ok( syscalls == 43, "%u syscalls\n", syscalls );
    ok( i == 58, "%u exports\n", i );
}

/* The attribute buffer helpers are pure layout logic, so they already work. */
static void test_attribute_helpers(void)
{
    BYTE buffer[256];
    ALPC_MESSAGE_ATTRIBUTES *attr = (ALPC_MESSAGE_ATTRIBUTES *)buffer;
    SIZE_T needed = 0;
    NTSTATUS status;

    ok( AlpcGetHeaderSize( 0 ) == sizeof(ALPC_MESSAGE_ATTRIBUTES), "got %lu\n", AlpcGetHeaderSize( 0 ) );
    ok( AlpcGetHeaderSize( 0xfe000000 ) == 0xa0, "got %#lx\n", AlpcGetHeaderSize( 0xfe000000 ) );

    status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_CONTEXT_ATTRIBUTE, attr, 8, &needed );
    ok( status == STATUS_BUFFER_TOO_SMALL, "got %#lx\n", status );
    ok( needed == 8 + sizeof(ALPC_CONTEXT_ATTR), "got %Iu\n", needed );

    status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_VIEW_ATTRIBUTE,
                                             attr, sizeof(buffer), &needed );
    ok( !status, "got %#lx\n", status );
    ok( attr->ValidAttributes == 0, "got %#lx\n", attr->ValidAttributes );
    ok( AlpcGetMessageAttribute( attr, ALPC_MESSAGE_VIEW_ATTRIBUTE ) == buffer + 8, "wrong view block\n" );
    ok( AlpcGetMessageAttribute( attr, ALPC_MESSAGE_CONTEXT_ATTRIBUTE ) == buffer + 8 + sizeof(ALPC_DATA_VIEW_ATTR),
        "wrong context block\n" );
    ok( !AlpcGetMessageAttribute( attr, ALPC_MESSAGE_HANDLE_ATTRIBUTE ), "handle block not allocated\n" );
}

START_TEST(exports)
{
    test_exports();
    test_attribute_helpers();
}
