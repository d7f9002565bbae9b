/*
 * Local RPC (ncalrpc) over ALPC ports: a widl-built server and its clients in
 * separate processes, and a raw ALPC client that speaks LRPC by hand.
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

/*
 * The raw client builds its messages from the offsets of the public
 * descriptions of Windows' LRPC (lpc-alpc-reference-full.md, section 10),
 * written out here rather than taken from rpcrt4's header.  So it shows that
 * our server agrees with those descriptions; nobody has run it on Windows.
 *
 *   ncalrpc.exe ncalrpc server ENDPOINT     a server, until a client calls stop
 *   ncalrpc.exe ncalrpc hang ENDPOINT       a client that opens a context
 *                                           handle and hangs in a call
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winbase.h"
#include "winternl.h"
#include "rpc.h"
#include "rpcndr.h"
#include "ntdef/ntlpcapi.h"
#include "wine/exception.h"
#include "wine/test.h"

#include "ncalrpc.h"

#define WAIT_MS 15000

static char **test_argv;
static LONG rundown_count;

/* the server's side of the interface */

int __cdecl s_add( int a, int b )
{
    return a + b;
}

void __cdecl s_echo( int len, const byte *in, byte *out )
{
    memcpy( out, in, len );
}

int __cdecl s_client_pid( void )
{
    ULONG pid = 0;
    RPC_STATUS status = I_RpcBindingInqLocalClientPID( NULL, &pid );
    return status ? -(int)status : (int)pid;
}

/* one bit per step that behaved: the client sees all four */
int __cdecl s_impersonate( void )
{
    SECURITY_IMPERSONATION_LEVEL level;
    TOKEN_TYPE type;
    HANDLE token;
    DWORD len;
    int ret = 0;

    if (RpcImpersonateClient( NULL ) != RPC_S_OK) return ret;
    ret |= 1;
    if (OpenThreadToken( GetCurrentThread(), TOKEN_QUERY, TRUE, &token ))
    {
        if (GetTokenInformation( token, TokenType, &type, sizeof(type), &len ) && type == TokenImpersonation &&
            GetTokenInformation( token, TokenImpersonationLevel, &level, sizeof(level), &len ) &&
            level == SecurityImpersonation)
            ret |= 2;
        CloseHandle( token );
    }
    if (RpcRevertToSelf() == RPC_S_OK) ret |= 4;
    if (!OpenThreadToken( GetCurrentThread(), TOKEN_QUERY, TRUE, &token ) && GetLastError() == ERROR_NO_TOKEN)
        ret |= 8;
    return ret;
}

void __cdecl s_ctx_open( int value, lrpc_ctx *ctx )
{
    int *p = malloc( sizeof(*p) );
    *p = value;
    *ctx = p;
}

int __cdecl s_ctx_get( lrpc_ctx ctx )
{
    return *(int *)ctx;
}

void __cdecl s_ctx_close( lrpc_ctx *ctx )
{
    free( *ctx );
    *ctx = NULL;
}

void __RPC_USER lrpc_ctx_rundown( lrpc_ctx ctx )
{
    free( ctx );
    InterlockedIncrement( &rundown_count );
}

int __cdecl s_rundowns( void )
{
    return rundown_count;
}

static char hang_event_name[MAX_PATH];

void __cdecl s_hang( int ms )
{
    HANDLE event = OpenEventA( EVENT_MODIFY_STATE, FALSE, hang_event_name );
    if (event)
    {
        SetEvent( event );
        CloseHandle( event );
    }
    Sleep( ms );
}

void __cdecl s_raise_fault( int code )
{
    RpcRaiseException( code );
}

void __cdecl s_stop( void )
{
    RpcMgmtStopServerListening( NULL );
}

void __RPC_FAR * __RPC_USER MIDL_user_allocate( SIZE_T len )
{
    return malloc( len );
}

void __RPC_USER MIDL_user_free( void __RPC_FAR *ptr )
{
    free( ptr );
}

static void run_server( const char *endpoint )
{
    char name[MAX_PATH];
    RPC_STATUS status;
    HANDLE ready;

    snprintf( hang_event_name, sizeof(hang_event_name), "%s_hang", endpoint );
    snprintf( name, sizeof(name), "%s_ready", endpoint );
    ready = OpenEventA( EVENT_MODIFY_STATE, FALSE, name );
    ok( ready != NULL, "no event %s\n", name );

    status = RpcServerUseProtseqEpA( (RPC_CSTR)"ncalrpc", 20, (RPC_CSTR)endpoint, NULL );
    ok( status == RPC_S_OK, "RpcServerUseProtseqEp failed: %lu\n", status );
    /* a second endpoint: every test then runs against a server listening on two ports */
    snprintf( name, sizeof(name), "%s_2", endpoint );
    status = RpcServerUseProtseqEpA( (RPC_CSTR)"ncalrpc", 20, (RPC_CSTR)name, NULL );
    ok( status == RPC_S_OK, "RpcServerUseProtseqEp(%s) failed: %lu\n", name, status );
    status = RpcServerRegisterIfEx( s_lrpc_test_v1_0_s_ifspec, NULL, NULL, RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH,
                                    RPC_C_LISTEN_MAX_CALLS_DEFAULT, NULL );
    ok( status == RPC_S_OK, "RpcServerRegisterIfEx failed: %lu\n", status );
    SetEvent( ready );
    CloseHandle( ready );
    status = RpcServerListen( 1, 20, FALSE );
    ok( status == RPC_S_OK, "RpcServerListen failed: %lu\n", status );
    status = RpcServerUnregisterIf( NULL, NULL, FALSE );
    ok( status == RPC_S_OK, "RpcServerUnregisterIf failed: %lu\n", status );
}

/* the client's side */

static PROCESS_INFORMATION start_child( const char *mode, const char *endpoint )
{
    PROCESS_INFORMATION pi = {0};
    STARTUPINFOA si = {sizeof(si)};
    char cmd[MAX_PATH * 2];

    snprintf( cmd, sizeof(cmd), "\"%s\" ncalrpc %s %s", test_argv[0], mode, endpoint );
    ok( CreateProcessA( NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi ), "CreateProcess failed: %lu\n",
        GetLastError() );
    return pi;
}

static void end_child( PROCESS_INFORMATION *pi, DWORD expect )
{
    DWORD code = 0xdeadbeef;

    ok( WaitForSingleObject( pi->hProcess, WAIT_MS ) == WAIT_OBJECT_0, "child %lu did not end\n", pi->dwProcessId );
    GetExitCodeProcess( pi->hProcess, &code );
    ok( code == expect, "child exit code %#lx, expected %#lx\n", code, expect );
    CloseHandle( pi->hProcess );
    CloseHandle( pi->hThread );
}

static PROCESS_INFORMATION start_server( const char *endpoint )
{
    PROCESS_INFORMATION pi;
    char name[MAX_PATH];
    HANDLE ready;

    snprintf( name, sizeof(name), "%s_ready", endpoint );
    ready = CreateEventA( NULL, TRUE, FALSE, name );
    pi = start_child( "server", endpoint );
    ok( WaitForSingleObject( ready, WAIT_MS ) == WAIT_OBJECT_0, "server for %s not ready\n", endpoint );
    CloseHandle( ready );
    return pi;
}

static handle_t bind_to( const char *endpoint )
{
    RPC_CSTR binding_string;
    handle_t h = NULL;
    RPC_STATUS status;

    status = RpcStringBindingComposeA( NULL, (RPC_CSTR)"ncalrpc", NULL, (RPC_CSTR)endpoint, NULL, &binding_string );
    ok( status == RPC_S_OK, "RpcStringBindingCompose failed: %lu\n", status );
    status = RpcBindingFromStringBindingA( binding_string, &h );
    ok( status == RPC_S_OK, "RpcBindingFromStringBinding failed: %lu\n", status );
    RpcStringFreeA( &binding_string );
    return h;
}

/* the exception a call raises, or 0 */
static DWORD call_add( handle_t h, int a, int b, int *result )
{
    DWORD code = 0;

    lrpc_handle = h;

    __TRY
    {
        *result = add( a, b );
    }
    __EXCEPT_ALL
    {
        code = GetExceptionCode();
    }
    __ENDTRY
    return code;
}

static DWORD call_hang( handle_t h, int ms )
{
    DWORD code = 0;

    lrpc_handle = h;

    __TRY
    {
        hang( ms );
    }
    __EXCEPT_ALL
    {
        code = GetExceptionCode();
    }
    __ENDTRY
    return code;
}

static DWORD call_raise( handle_t h, int fault )
{
    DWORD code = 0;

    lrpc_handle = h;

    __TRY
    {
        raise_fault( fault );
    }
    __EXCEPT_ALL
    {
        code = GetExceptionCode();
    }
    __ENDTRY
    return code;
}

/* NtQueryDirectoryObject on \RPC Control lists an endpoint as an "ALPC Port" */
static BOOL endpoint_listed( const char *endpoint )
{
    union { DIRECTORY_BASIC_INFORMATION info; BYTE buffer[1024]; } buf;
    UNICODE_STRING str, type, wanted;
    OBJECT_ATTRIBUTES attr;
    WCHAR name[MAX_PATH];
    ULONG context = 0, len;
    BOOL found = FALSE;
    NTSTATUS status;
    HANDLE dir;

    MultiByteToWideChar( CP_ACP, 0, endpoint, -1, name, ARRAY_SIZE(name) );
    RtlInitUnicodeString( &wanted, name );
    RtlInitUnicodeString( &type, L"ALPC Port" );
    RtlInitUnicodeString( &str, L"\\RPC Control" );
    InitializeObjectAttributes( &attr, &str, 0, 0, NULL );
    status = NtOpenDirectoryObject( &dir, 1 /* DIRECTORY_QUERY */, &attr );
    ok( !status, "NtOpenDirectoryObject(\\RPC Control) failed: %#lx\n", status );
    if (status) return FALSE;
    while (!NtQueryDirectoryObject( dir, &buf.info, sizeof(buf), TRUE, FALSE, &context, &len ))
    {
        if (!RtlEqualUnicodeString( &buf.info.ObjectName, &wanted, TRUE )) continue;
        ok( RtlEqualUnicodeString( &buf.info.ObjectTypeName, &type, FALSE ), "%s has type %s\n", endpoint,
            wine_dbgstr_wn( buf.info.ObjectTypeName.Buffer, buf.info.ObjectTypeName.Length / sizeof(WCHAR) ));
        found = TRUE;
    }
    NtClose( dir );
    return found;
}

static void test_calls( handle_t h )
{
    static const int sizes[] = { 1, 0x100, 0xef0, 0xf00, 0xf01, 0x1000, 0xfff0, 0x10000, 0x10001, 0x100000 };
    byte *in = malloc( 0x100000 ), *out = malloc( 0x100000 );
    int i, j, result = 0;
    DWORD code;
    lrpc_handle = h;

    code = call_add( h, 2, 40, &result );
    ok( !code && result == 42, "add: exception %#lx, result %d\n", code, result );

    /* the NDR data of the calls below goes in the message, then in a view */
    for (i = 0; i < ARRAY_SIZE(sizes); i++)
    {
        for (j = 0; j < sizes[i]; j++) in[j] = (byte)(j * 7 + i);
        memset( out, 0xcc, sizes[i] );
        echo( sizes[i], in, out );
        ok( !memcmp( in, out, sizes[i] ), "echo of %#x bytes came back different\n", sizes[i] );
    }

    ok( client_pid() == GetCurrentProcessId(), "server saw client pid %d, expected %lu\n", client_pid(),
        GetCurrentProcessId() );
    ok( impersonate() == 15, "impersonation steps %#x, expected 0xf\n", impersonate());

    code = call_raise( h, 12345 );
    ok( code == 12345, "server fault came back as %#lx\n", code );
    code = call_raise( h, RPC_S_INVALID_BOUND );
    ok( code == RPC_S_INVALID_BOUND, "server fault came back as %#lx\n", code );

    free( in );
    free( out );
}

static DWORD WINAPI concurrent_calls( void *arg )
{
    int id = PtrToUlong( arg ), i, j, errors = 0;
    byte in[300], out[300];

    for (i = 0; i < 200; i++)
    {
        int len = 1 + (i * 37 + id) % sizeof(in);
        for (j = 0; j < len; j++) in[j] = (byte)(id * 31 + i + j);
        echo( len, in, out );
        if (memcmp( in, out, len )) errors++;
        if (add( id, i ) != id + i) errors++;
    }
    return errors;
}

/* a server with two endpoints answers on both, calls in and out of views too */
static void test_second_endpoint( handle_t h, const char *endpoint )
{
    char name[80];
    byte in[0x10000], out[0x10000];
    int i, result = 0;
    handle_t h2;
    DWORD code;

    snprintf( name, sizeof(name), "%s_2", endpoint );
    ok( endpoint_listed( name ), "%s not in \\RPC Control\n", name );
    h2 = bind_to( name );
    for (i = 0; i < 3; i++)
    {
        code = call_add( h2, i, 100, &result );
        ok( !code && result == 100 + i, "add on the second endpoint: exception %#lx, result %d\n", code, result );
        code = call_add( h, i, 200, &result );
        ok( !code && result == 200 + i, "add on the first endpoint: exception %#lx, result %d\n", code, result );
    }
    lrpc_handle = h2;
    for (i = 0; i < sizeof(in); i++) in[i] = (byte)(i * 13);
    memset( out, 0, sizeof(out) );
    echo( sizeof(in), in, out );
    ok( !memcmp( in, out, sizeof(in) ), "echo through the second endpoint came back different\n" );
    ok( client_pid() == GetCurrentProcessId(), "second endpoint: client pid %d\n", client_pid() );
    RpcBindingFree( &h2 );
    lrpc_handle = h;
}

/* threads calling at once through one binding share its association's port,
 * each under a binding id of its own: every reply must reach its caller */
static void test_concurrent( handle_t h )
{
    HANDLE threads[4];
    DWORD i, errors;

    lrpc_handle = h;
    for (i = 0; i < ARRAY_SIZE(threads); i++)
        threads[i] = CreateThread( NULL, 0, concurrent_calls, ULongToPtr( i + 1 ), 0, NULL );
    for (i = 0; i < ARRAY_SIZE(threads); i++)
    {
        ok( WaitForSingleObject( threads[i], WAIT_MS * 2 ) == WAIT_OBJECT_0, "thread %lu did not end\n", i );
        GetExitCodeThread( threads[i], &errors );
        ok( !errors, "thread %lu: %lu calls went wrong\n", i, errors );
        CloseHandle( threads[i] );
    }
}

static void test_context_handles( handle_t h )
{
    lrpc_ctx ctx = NULL, ctx2 = NULL;
    lrpc_handle = h;

    ctx_open( 42, &ctx );
    ok( ctx != NULL, "no context handle\n" );
    ctx_open( 7, &ctx2 );
    ok( ctx_get( ctx ) == 42, "context value %d\n", ctx_get( ctx ));
    ok( ctx_get( ctx2 ) == 7, "context value %d\n", ctx_get( ctx2 ));
    ctx_close( &ctx );
    ok( ctx == NULL, "context handle not cleared\n" );
    ctx_close( &ctx2 );
}

/* a client killed in a call: the server runs its context handle down and serves on */
static void test_client_killed( handle_t h, const char *endpoint )
{
    PROCESS_INFORMATION pi;
    char name[MAX_PATH];
    HANDLE hanging;
    int before, result = 0, i;
    DWORD code;
    lrpc_handle = h;

    before = rundowns();
    snprintf( name, sizeof(name), "%s_hang", endpoint );
    hanging = CreateEventA( NULL, FALSE, FALSE, name );
    pi = start_child( "hang", endpoint );
    ok( WaitForSingleObject( hanging, WAIT_MS ) == WAIT_OBJECT_0, "the client did not reach its call\n" );
    TerminateProcess( pi.hProcess, 0x4b1 );
    end_child( &pi, 0x4b1 );
    CloseHandle( hanging );

    for (i = 0; i < 200 && rundowns() == before; i++) Sleep( 50 );
    ok( rundowns() == before + 1, "rundowns %d, expected %d\n", rundowns(), before + 1 );
    code = call_add( h, 1, 2, &result );
    ok( !code && result == 3, "add after a client died: exception %#lx, result %d\n", code, result );
}

static void run_hanging_client( const char *endpoint )
{
    lrpc_ctx ctx = NULL;

    lrpc_handle = bind_to( endpoint );
    ctx_open( 99, &ctx );
    ok( ctx != NULL, "no context handle\n" );
    call_hang( lrpc_handle, 5000 );
    ok( 0, "the hanging call returned\n" );
}

struct killer
{
    HANDLE process;
    HANDLE hanging;
};

static DWORD WINAPI kill_on_hang( void *arg )
{
    struct killer *k = arg;

    if (WaitForSingleObject( k->hanging, WAIT_MS ) != WAIT_OBJECT_0) return 1;
    TerminateProcess( k->process, 0x4b2 );
    return 0;
}

/* a server killed in a call: the client's call fails, and the next finds no server */
static void test_server_killed(void)
{
    char endpoint[64], name[MAX_PATH];
    PROCESS_INFORMATION pi;
    struct killer killer;
    HANDLE thread;
    handle_t h;
    int result = 0;
    DWORD code;

    snprintf( endpoint, sizeof(endpoint), "wine_lpc_ncalrpc_%lx_b", GetCurrentProcessId() );
    snprintf( name, sizeof(name), "%s_hang", endpoint );
    killer.hanging = CreateEventA( NULL, FALSE, FALSE, name );
    pi = start_server( endpoint );
    killer.process = pi.hProcess;
    h = bind_to( endpoint );
    code = call_add( h, 3, 4, &result );
    ok( !code && result == 7, "add: exception %#lx, result %d\n", code, result );

    thread = CreateThread( NULL, 0, kill_on_hang, &killer, 0, NULL );
    code = call_hang( h, 60000 );
    ok( code == RPC_S_CALL_FAILED, "call to a killed server: exception %lu\n", code );
    ok( WaitForSingleObject( thread, WAIT_MS ) == WAIT_OBJECT_0, "killer thread did not end\n" );
    CloseHandle( thread );
    end_child( &pi, 0x4b2 );

    code = call_add( h, 3, 4, &result );
    ok( code == RPC_S_SERVER_UNAVAILABLE, "call after the server died: exception %lu\n", code );
    RpcBindingFree( &h );
    CloseHandle( killer.hanging );
}

static LONG async_apcs;

static void CALLBACK async_apc( RPC_ASYNC_STATE *async, void *context, RPC_ASYNC_EVENT event )
{
    ok( event == RpcCallComplete, "async event %u\n", event );
    InterlockedIncrement( &async_apcs );
}

/* Asynchronous calls through the runtime calls that MIDL's asynchronous stubs
 * make (Wine 8.0's widl writes none): add, and hang, whose I_RpcSend must
 * return before the server answers. */
static void test_async( handle_t h )
{
    static const struct { int notify; UINT proc; int args[2]; int hang_ms; } calls[] =
    {
        { RpcNotificationTypeEvent, 0, { 19, 23 } },
        { RpcNotificationTypeApc,   0, { 40, 2 } },
        { RpcNotificationTypeEvent, 8, { 1000 }, 1000 },
    };
    RPC_ASYNC_STATE async;
    RPC_MESSAGE msg;
    RPC_STATUS status;
    HANDLE event = CreateEventA( NULL, TRUE, FALSE, NULL ), thread;
    DWORD start, ret;
    unsigned int i;

    DuplicateHandle( GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &thread, 0, FALSE,
                     DUPLICATE_SAME_ACCESS );
    for (i = 0; i < ARRAY_SIZE(calls); i++)
    {
        winetest_push_context( "call %u", i );
        status = RpcAsyncInitializeHandle( &async, sizeof(async) );
        ok( status == RPC_S_OK, "RpcAsyncInitializeHandle: %lu\n", status );
        async.NotificationType = calls[i].notify;
        if (calls[i].notify == RpcNotificationTypeApc)
        {
            async.u.APC.NotificationRoutine = async_apc;
            async.u.APC.hThread = thread;
        }
        else async.u.hEvent = event;
        ResetEvent( event );
        async_apcs = 0;

        memset( &msg, 0, sizeof(msg) );
        msg.Handle = h;
        msg.RpcInterfaceInformation = lrpc_test_v1_0_c_ifspec;
        msg.ProcNum = calls[i].proc | RPC_FLAGS_VALID_BIT;
        msg.RpcFlags = RPC_BUFFER_ASYNC;
        msg.BufferLength = calls[i].proc ? 4 : 8;
        status = I_RpcGetBuffer( &msg );
        ok( status == RPC_S_OK, "I_RpcGetBuffer: %lu\n", status );
        if (status) break;
        memcpy( msg.Buffer, calls[i].args, msg.BufferLength );
        status = I_RpcAsyncSetHandle( &msg, &async );
        ok( status == RPC_S_OK, "I_RpcAsyncSetHandle: %lu\n", status );

        start = GetTickCount();
        status = I_RpcSend( &msg );
        ok( status == RPC_S_OK, "I_RpcSend: %lu\n", status );
        if (calls[i].hang_ms)
            ok( GetTickCount() - start < calls[i].hang_ms / 2, "I_RpcSend took %lu ms\n", GetTickCount() - start );

        if (calls[i].notify == RpcNotificationTypeApc)
        {
            while (!async_apcs && GetTickCount() - start < WAIT_MS) SleepEx( 100, TRUE );
            ok( async_apcs == 1, "%ld APCs\n", async_apcs );
        }
        else
        {
            ret = WaitForSingleObject( event, WAIT_MS );
            ok( ret == WAIT_OBJECT_0, "no completion: %lu\n", ret );
        }
        if (calls[i].hang_ms)
            ok( GetTickCount() - start >= calls[i].hang_ms - 50, "done after %lu ms\n", GetTickCount() - start );

        status = I_RpcReceive( &msg );
        ok( status == RPC_S_OK, "I_RpcReceive: %lu\n", status );
        if (!calls[i].proc)
            ok( msg.BufferLength == 4 && *(int *)msg.Buffer == 42, "reply of %u bytes, %d\n", msg.BufferLength,
                msg.BufferLength >= 4 ? *(int *)msg.Buffer : 0 );
        I_RpcFreeBuffer( &msg );
        winetest_pop_context();
    }
    CloseHandle( thread );
    CloseHandle( event );
}

/* endpoints: named ones are listed, a dynamic one gets a Windows-style name,
 * and a name in use elsewhere is refused */
static void test_endpoints( const char *endpoint )
{
    RPC_BINDING_VECTOR *bindings;
    SECURITY_DESCRIPTOR sd;
    char denied[80];
    RPC_CSTR str, ep;
    RPC_STATUS status;
    BOOL found = FALSE;
    unsigned int i, j;
    int result = 0;
    handle_t h;
    DWORD code;
    ACL acl;

    ok( endpoint_listed( endpoint ), "%s not in \\RPC Control\n", endpoint );

    status = RpcServerUseProtseqEpA( (RPC_CSTR)"ncalrpc", 20, (RPC_CSTR)endpoint, NULL );
    ok( status == RPC_S_DUPLICATE_ENDPOINT, "endpoint of another process: %lu\n", status );

    status = RpcServerUseProtseqA( (RPC_CSTR)"ncalrpc", 20, NULL );
    ok( status == RPC_S_OK, "RpcServerUseProtseq failed: %lu\n", status );
    status = RpcServerInqBindings( &bindings );
    ok( status == RPC_S_OK, "RpcServerInqBindings failed: %lu\n", status );
    if (status) return;
    for (i = 0; i < bindings->Count; i++)
    {
        if (RpcBindingToStringBindingA( bindings->BindingH[i], &str )) continue;
        if (!RpcStringBindingParseA( str, NULL, NULL, NULL, &ep, NULL ))
        {
            if (!strncmp( (char *)ep, "LRPC-", 5 ))
            {
                found = TRUE;
                ok( strlen( (char *)ep ) == 23, "dynamic endpoint %s\n", ep );
                for (j = 5; ep[j]; j++) ok( isxdigit( ep[j] ), "dynamic endpoint %s\n", ep );
                ok( endpoint_listed( (char *)ep ), "%s not in \\RPC Control\n", ep );
            }
            RpcStringFreeA( &ep );
        }
        RpcStringFreeA( &str );
    }
    ok( found, "no dynamic ncalrpc endpoint among %lu bindings\n", bindings->Count );
    RpcBindingVectorFree( &bindings );

    /* a DACL without entries: nobody may connect */
    snprintf( denied, sizeof(denied), "%s_denied", endpoint );
    InitializeSecurityDescriptor( &sd, SECURITY_DESCRIPTOR_REVISION );
    InitializeAcl( &acl, sizeof(acl), ACL_REVISION );
    SetSecurityDescriptorDacl( &sd, TRUE, &acl, FALSE );
    status = RpcServerUseProtseqEpA( (RPC_CSTR)"ncalrpc", 20, (RPC_CSTR)denied, &sd );
    ok( status == RPC_S_OK, "RpcServerUseProtseqEp with a security descriptor: %lu\n", status );
    ok( endpoint_listed( denied ), "%s not in \\RPC Control\n", denied );
    h = bind_to( denied );
    code = call_add( h, 1, 1, &result );
    ok( code == RPC_S_ACCESS_DENIED, "call to an endpoint closed to us: exception %lu\n", code );
    RpcBindingFree( &h );
}

/* LRPC by hand */

typedef struct
{
    SHORT     DataLength;
    SHORT     TotalLength;
    SHORT     Type;
    SHORT     DataInfoOffset;
    CLIENT_ID ClientId;
    ULONG     MessageId;
    ULONG     Unused;
    ULONG     CallbackId;
    ULONG     Unused2;
} raw_header;

typedef struct
{
    raw_header h;
    BYTE       data[0x1000 - sizeof(raw_header)];
} raw_msg;

struct raw_attrs
{
    ALPC_MESSAGE_ATTRIBUTES header;
    ALPC_DATA_VIEW_ATTR     view;
};

static void put32( BYTE *buf, ULONG offset, ULONG value )
{
    memcpy( buf + offset, &value, sizeof(value) );
}

static ULONG get32( const BYTE *buf, ULONG offset )
{
    ULONG value;
    memcpy( &value, buf + offset, sizeof(value) );
    return value;
}

static const GUID lrpc_test_uuid = {0x4f2a9c61, 0x7d3e, 0x4b85, {0xa1, 0xc0, 0x3e, 0x5d, 0x7f, 0x9b, 0x2c, 0x48}};
static const GUID unknown_uuid = {0x0badf00d, 0x1234, 0x5678, {0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78}};

static NTSTATUS raw_call( HANDLE port, raw_msg *msg, ULONG size, raw_msg *reply, struct raw_attrs *attrs,
                          ALPC_DATA_VIEW_ATTR *send_view )
{
    struct raw_attrs send_attrs;
    SIZE_T len = sizeof(*reply), needed;

    memset( &msg->h, 0, sizeof(msg->h) );
    msg->h.DataLength = size;
    msg->h.TotalLength = sizeof(msg->h) + size;
    memset( attrs, 0, sizeof(*attrs) );
    AlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE, &attrs->header, sizeof(*attrs), &needed );
    if (send_view)
    {
        memset( &send_attrs, 0, sizeof(send_attrs) );
        AlpcInitializeMessageAttribute( ALPC_MESSAGE_VIEW_ATTRIBUTE, &send_attrs.header, sizeof(send_attrs), &needed );
        send_attrs.view = *send_view;
        send_attrs.header.ValidAttributes = ALPC_MESSAGE_VIEW_ATTRIBUTE;
    }
    return NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, (PORT_MESSAGE *)&msg->h,
                                      send_view ? &send_attrs.header : NULL, (PORT_MESSAGE *)&reply->h, &len,
                                      &attrs->header, NULL );
}

/* lmtBind: 0x48 bytes, the interface at 0x0c, the transfer syntaxes at 0x20
 * (1: DCE NDR), the binding id the client picks at 0x24; RpcStatus (0x08) in the reply */
static ULONG raw_bind( HANDLE port, const GUID *uuid, USHORT binding_id )
{
    static raw_msg msg, reply;
    struct raw_attrs attrs;
    USHORT version[2] = { 1, 0 };
    NTSTATUS status;

    memset( msg.data, 0, 0x48 );
    put32( msg.data, 0x00, 1 );
    memcpy( msg.data + 0x0c, uuid, sizeof(*uuid) );
    memcpy( msg.data + 0x1c, version, sizeof(version) );
    put32( msg.data, 0x20, 1 );
    memcpy( msg.data + 0x24, &binding_id, sizeof(binding_id) );
    status = raw_call( port, &msg, 0x48, &reply, &attrs, NULL );
    ok( !status, "bind: %#lx\n", status );
    if (status) return ~0u;
    ok( reply.h.DataLength >= 0x48, "bind reply of %u bytes\n", reply.h.DataLength );
    ok( get32( reply.data, 0x00 ) == 1, "bind reply type %lu\n", get32( reply.data, 0x00 ));
    return get32( reply.data, 0x08 );
}

static void test_raw_client( const char *endpoint )
{
    static const struct { ULONG type, flags, size, large_size; } bad[] =
    {
        { 0, 0, 4 },                          /* shorter than an LRPC header */
        { 0, 0, 0x3c },                       /* a request shorter than its 0x40 bytes */
        { 0, 4, 0x48, 0x7fffffff },           /* a large request without a view */
        { 0, 4, 0x44 },                       /* a large request without LargeDataSize */
        { 1, 0, 0x20 },                       /* a short bind */
        { 4, 0, 0x10 },                       /* lmtCancel, not implemented */
        { 99, 0, 0x10 },                      /* no such type */
    };
    static raw_msg msg, reply;
    WCHAR name[MAX_PATH];
    char narrow[MAX_PATH];
    ALPC_PORT_ATTRIBUTES port_attr;
    ALPC_DATA_VIEW_ATTR view;
    struct raw_attrs attrs;
    UNICODE_STRING str;
    ALPC_HANDLE section;
    SIZE_T actual;
    NTSTATUS status;
    HANDLE port;
    ULONG i, len = 0x2000;
    BYTE *data;

    snprintf( narrow, sizeof(narrow), "\\RPC Control\\%s", endpoint );
    MultiByteToWideChar( CP_ACP, 0, narrow, -1, name, ARRAY_SIZE(name) );
    RtlInitUnicodeString( &str, name );
    memset( &port_attr, 0, sizeof(port_attr) );
    port_attr.Flags = ALPC_PORFLG_ALLOW_IMPERSONATION | ALPC_PORFLG_ALLOW_DUP_OBJECT | ALPC_PORFLG_WAITABLE_PORT;
    port_attr.SecurityQos.Length = sizeof(port_attr.SecurityQos);
    port_attr.SecurityQos.ImpersonationLevel = SecurityImpersonation;
    port_attr.MaxMessageLength = 0x1000;
    port_attr.MaxPoolUsage = port_attr.MaxSectionSize = port_attr.MaxViewSize = port_attr.MaxTotalSectionSize = ~(SIZE_T)0;
    port_attr.DupObjectTypes = ALPC_PORFLG_OBJECT_TYPE_ALL;
    status = NtAlpcConnectPort( &port, &str, NULL, &port_attr, ALPC_SYNC_CONNECTION, NULL, NULL, NULL, NULL, NULL,
                                NULL );
    ok( !status, "NtAlpcConnectPort(%s) failed: %#lx\n", narrow, status );
    if (status) return;

    ok( raw_bind( port, &lrpc_test_uuid, 5 ) == RPC_S_OK, "bind to the interface failed\n" );
    ok( raw_bind( port, &unknown_uuid, 6 ) == RPC_S_UNKNOWN_IF, "bind to an unknown interface did not fail\n" );

    /* lmtRequest: 0x40 bytes (CallId 0x0c, BindingId 0x10, ProcNum 0x14), then
     * the NDR; lmtResponse: 0x18 bytes (CallId 0x0c), then the NDR */
    memset( msg.data, 0, 0x40 );
    put32( msg.data, 0x0c, 0x1234 );
    put32( msg.data, 0x10, 5 );
    put32( msg.data, 0x14, 0 );  /* add */
    put32( msg.data, 0x40, 30 );
    put32( msg.data, 0x44, 12 );
    status = raw_call( port, &msg, 0x48, &reply, &attrs, NULL );
    ok( !status, "request: %#lx\n", status );
    ok( get32( reply.data, 0x00 ) == 3, "reply type %lu, status %lu\n", get32( reply.data, 0x00 ),
        get32( reply.data, 0x08 ));
    ok( get32( reply.data, 0x0c ) == 0x1234, "reply CallId %#lx\n", get32( reply.data, 0x0c ));
    ok( reply.h.DataLength == 0x18 + 4, "reply of %u bytes\n", reply.h.DataLength );
    ok( get32( reply.data, 0x18 ) == 42, "add gave %lu\n", get32( reply.data, 0x18 ));

    /* lmtFault: RpcStatus (a Win32 error) at 0x08 */
    put32( msg.data, 0x14, 999 );
    status = raw_call( port, &msg, 0x48, &reply, &attrs, NULL );
    ok( !status, "request: %#lx\n", status );
    ok( get32( reply.data, 0x00 ) == 2, "reply type %lu\n", get32( reply.data, 0x00 ));
    ok( get32( reply.data, 0x08 ) == RPC_S_PROCNUM_OUT_OF_RANGE, "fault %lu\n", get32( reply.data, 0x08 ));

    put32( msg.data, 0x10, 77 );
    put32( msg.data, 0x14, 0 );
    status = raw_call( port, &msg, 0x48, &reply, &attrs, NULL );
    ok( !status, "request: %#lx\n", status );
    ok( get32( reply.data, 0x00 ) == 2 && get32( reply.data, 0x08 ),
        "unknown binding id: reply type %lu, status %lu\n", get32( reply.data, 0x00 ), get32( reply.data, 0x08 ));

    /* malformed messages get faults, and the server serves on */
    for (i = 0; i < ARRAY_SIZE(bad); i++)
    {
        winetest_push_context( "bad %lu", i );
        memset( msg.data, 0, 0x48 );
        put32( msg.data, 0x00, bad[i].type );
        put32( msg.data, 0x08, bad[i].flags );
        put32( msg.data, 0x10, 5 );
        put32( msg.data, 0x40, bad[i].large_size );
        status = raw_call( port, &msg, bad[i].size, &reply, &attrs, NULL );
        ok( !status, "request: %#lx\n", status );
        ok( get32( reply.data, 0x00 ) == 2 && get32( reply.data, 0x08 ), "reply type %lu, status %lu\n",
            get32( reply.data, 0x00 ), get32( reply.data, 0x08 ));
        winetest_pop_context();
    }
    memset( msg.data, 0, 0x48 );
    put32( msg.data, 0x10, 5 );
    put32( msg.data, 0x40, 1 );
    put32( msg.data, 0x44, 2 );
    status = raw_call( port, &msg, 0x48, &reply, &attrs, NULL );
    ok( !status && get32( reply.data, 0x00 ) == 3 && get32( reply.data, 0x18 ) == 3,
        "add after bad messages: %#lx, type %lu, result %lu\n", status, get32( reply.data, 0x00 ),
        get32( reply.data, 0x18 ));

    /* a large request: flag ViewPresent (4), LargeDataSize at 0x40, the NDR in
     * a view; the large response has LargeDataSize at 0x18 and its own view */
    status = NtAlpcCreatePortSection( port, 0, NULL, len + 8, &section, &actual );
    ok( !status, "NtAlpcCreatePortSection: %#lx\n", status );
    memset( &view, 0, sizeof(view) );
    view.SectionHandle = section;
    view.ViewSize = len + 8;
    status = NtAlpcCreateSectionView( port, 0, &view );
    ok( !status, "NtAlpcCreateSectionView: %#lx\n", status );
    if (status) goto done;
    data = view.ViewBase;
    put32( data, 0, len );  /* len */
    put32( data, 4, len );  /* conformance of in[] */
    for (i = 0; i < len; i++) data[8 + i] = (BYTE)(i * 3);
    memset( msg.data, 0, 0x48 );
    put32( msg.data, 0x08, 4 );
    put32( msg.data, 0x0c, 0x99 );
    put32( msg.data, 0x10, 5 );
    put32( msg.data, 0x14, 1 );  /* echo */
    put32( msg.data, 0x40, len + 8 );
    status = raw_call( port, &msg, 0x48, &reply, &attrs, &view );
    ok( !status, "large request: %#lx\n", status );
    ok( get32( reply.data, 0x00 ) == 3, "reply type %lu, status %lu\n", get32( reply.data, 0x00 ),
        get32( reply.data, 0x08 ));
    ok( get32( reply.data, 0x0c ) == 0x99, "reply CallId %#lx\n", get32( reply.data, 0x0c ));
    ok( get32( reply.data, 0x08 ) & 4, "reply flags %#lx\n", get32( reply.data, 0x08 ));
    ok( get32( reply.data, 0x18 ) == len + 4, "LargeDataSize %lu\n", get32( reply.data, 0x18 ));
    ok( attrs.header.ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE, "no view in the reply\n" );
    if (attrs.header.ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE)
    {
        BYTE *out = attrs.view.ViewBase;
        ok( attrs.view.ViewSize >= len + 4, "reply view of %#Ix bytes\n", attrs.view.ViewSize );
        ok( get32( out, 0 ) == len, "out[] conformance %lu\n", get32( out, 0 ));
        for (i = 0; i < len; i++) if (out[4 + i] != (BYTE)(i * 3)) break;
        ok( i == len, "echo differs at %#lx\n", i );
        NtAlpcDeleteSectionView( port, 0, attrs.view.ViewBase );
    }
    NtAlpcDeleteSectionView( port, 0, view.ViewBase );
    NtAlpcDeletePortSection( port, 0, section );
done:
    NtAlpcDisconnectPort( port, 0 );
    NtClose( port );
}

static DWORD WINAPI watchdog( void *arg )
{
    if (WaitForSingleObject( arg, 150000 ) == WAIT_OBJECT_0) return 0;
    ok( 0, "the test hung\n" );
    ExitProcess( 1 );
}

START_TEST(ncalrpc)
{
    int argc = winetest_get_mainargs( &test_argv );
    char endpoint[64];
    PROCESS_INFORMATION server;
    HANDLE done, thread;
    handle_t h;

    if (argc >= 4 && !strcmp( test_argv[2], "server" ))
    {
        run_server( test_argv[3] );
        return;
    }
    if (argc >= 4 && !strcmp( test_argv[2], "hang" ))
    {
        run_hanging_client( test_argv[3] );
        return;
    }

    done = CreateEventA( NULL, TRUE, FALSE, NULL );
    thread = CreateThread( NULL, 0, watchdog, done, 0, NULL );

    snprintf( endpoint, sizeof(endpoint), "wine_lpc_ncalrpc_%lx", GetCurrentProcessId() );
    server = start_server( endpoint );
    h = bind_to( endpoint );

    test_endpoints( endpoint );
    test_calls( h );
    test_second_endpoint( h, endpoint );
    test_context_handles( h );
    test_concurrent( h );
    test_async( h );
    test_raw_client( endpoint );
    test_client_killed( h, endpoint );
    test_server_killed();

    lrpc_handle = h;
    stop();
    end_child( &server, 0 );
    RpcBindingFree( &h );

    SetEvent( done );
    WaitForSingleObject( thread, INFINITE );
    CloseHandle( thread );
    CloseHandle( done );
}
