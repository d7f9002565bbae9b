/*
 * The harness that the LPC and ALPC conformance programs share
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
 * Each program includes this after wine/test.h and is its own executable, so
 * the state below is per program.  Before the include a program defines
 *
 *   PORT_TEST_PROGRAM  its test name, as a child's command line gives it
 *                      ("PROGRAM client SCENARIO PORTNAME")
 *   PORT_TEST_PREFIX   what make_name puts before the names of its objects
 *   PORT_TEST_CHECK_START (optional) to count every CreateProcess of a child
 *                      as a check; without it only a failure is reported
 *
 * and, after it, run_client(), which runs a client script by its name.
 *
 * Nothing may block without a bound (see lpc.c): waits take wait_time(),
 * which shrinks after the first timeout, and after a few timeouts
 * too_many_timeouts() stops new scenarios; a watchdog thread ends the
 * program should a wait have no bound after all.
 *
 * Helpers that not every program uses are inline, so that none warns about
 * them.
 */

#ifndef __WINE_LPC_PORT_TEST_H
#define __WINE_LPC_PORT_TEST_H

#if !defined(PORT_TEST_PROGRAM) || !defined(PORT_TEST_PREFIX)
#error define PORT_TEST_PROGRAM and PORT_TEST_PREFIX before including port_test.h
#endif

#include <stdio.h>
#include <string.h>

/* Windows' PORT_MESSAGE in its union form.  With Wine 8.0's winternl.h, which
 * these programs are built against, PORT_MESSAGE is Wine's 0x20-byte
 * PORT_MESSAGE_HEADER and ntdef/ntlpcapi.h leaves it alone, so the tests keep
 * their own copy of the Windows layout under another name. */
#ifdef __WINE_WINTERNL_H
typedef struct
{
    union
    {
        struct
        {
            SHORT DataLength;
            SHORT TotalLength;
        } s1;
        ULONG Length;
    } u1;
    union
    {
        struct
        {
            SHORT Type;
            SHORT DataInfoOffset;
        } s2;
        ULONG ZeroInit;
    } u2;
    union
    {
        CLIENT_ID ClientId;
        double DoNotUseThisField;
    };
    ULONG MessageId;
    union
    {
        SIZE_T ClientViewSize;
        ULONG CallbackId;
    };
} TEST_PORT_MESSAGE;
#else
typedef PORT_MESSAGE TEST_PORT_MESSAGE;
#endif

C_ASSERT(sizeof(TEST_PORT_MESSAGE) == (sizeof(void *) == 8 ? 0x28 : 0x18));
C_ASSERT(FIELD_OFFSET(TEST_PORT_MESSAGE, MessageId) == (sizeof(void *) == 8 ? 0x18 : 0x10));

#define HDR_SIZE ((SHORT)sizeof(TEST_PORT_MESSAGE))

/* the message type without its flags */
#define MSG_TYPE(msg) ((msg)->h.u2.s2.Type & 0xff)

/* what a sender writes into the fields the kernel fills */
#define FORGED_PROCESS ((HANDLE)(ULONG_PTR)0x1234)
#define FORGED_THREAD  ((HANDLE)(ULONG_PTR)0x5678)
#define FORGED_ID      0xdeadbeef

#define BOGUS_HANDLE ((HANDLE)(ULONG_PTR)0xbadbad0)

/* A NULL pointer faults in the probe of a system call on Windows
 * (STATUS_ACCESS_VIOLATION); a call that checks for NULL first reports
 * STATUS_INVALID_PARAMETER instead.  Nothing public shows which the port
 * calls do, so either passes.  A pointer to reserved memory (bad_ptr) must
 * give STATUS_ACCESS_VIOLATION. */
#define is_null_status(s) ((s) == STATUS_ACCESS_VIOLATION || (s) == STATUS_INVALID_PARAMETER)

/* what an ALPC client allows the server for one step; the server's own waits end first */
#define CLIENT_WAIT 15000

#ifndef DIRECTORY_QUERY
#define DIRECTORY_QUERY 0x0001
#endif

static const char bno_dir[] = "\\BaseNamedObjects";

static char **test_argv;
static BOOL running_in_child;   /* this process is a client or server of the test */
static unsigned int name_counter;
static LONG timeouts;       /* waits that ran out */


/***********************************************************************
 * Bounds on every wait
 */

/* how long to wait for something that should happen promptly */
static DWORD wait_time(void)
{
    return timeouts ? 500 : 5000;
}

static void note_timeout(void)
{
    InterlockedIncrement( &timeouts );
}

/* after this many waits ran out no new scenario starts */
static BOOL too_many_timeouts(void)
{
    static BOOL reported;

    if (timeouts < 6) return FALSE;
    if (!reported) ok( 0, "%ld waits timed out: the remaining scenarios are not run\n", timeouts );
    reported = TRUE;
    return TRUE;
}

/* the last resort against a wait that has no bound after all */
static DWORD WINAPI watchdog_proc( void *arg )
{
    DWORD ms = (DWORD)(ULONG_PTR)arg;

    Sleep( ms );
    ok( 0, "still running after %lu s, giving up\n", ms / 1000 );
    ExitProcess( 255 );
}

static void start_watchdog( DWORD ms )
{
    HANDLE thread = CreateThread( NULL, 0, watchdog_proc, (void *)(ULONG_PTR)ms, 0, NULL );
    ok( thread != NULL, "CreateThread failed: %lu\n", GetLastError() );
    if (thread) CloseHandle( thread );
}

static LARGE_INTEGER *relative_timeout( LARGE_INTEGER *timeout, DWORD ms )
{
    timeout->QuadPart = -(LONGLONG)ms * 10000;
    return timeout;
}

#define wait_thread(t, ms) wait_thread_(__FILE__, __LINE__, t, ms)
static inline BOOL wait_thread_( const char *file, int line, HANDLE thread, DWORD ms )
{
    DWORD ret;

    if (!thread) return FALSE;
    ret = WaitForSingleObject( thread, ms );
    ok_(file, line)( ret == WAIT_OBJECT_0, "thread did not return within %lu ms\n", ms );
    if (ret != WAIT_OBJECT_0)
    {
        note_timeout();
        TerminateThread( thread, 0xdead );
        WaitForSingleObject( thread, 1000 );
    }
    CloseHandle( thread );
    return ret == WAIT_OBJECT_0;
}


/***********************************************************************
 * Names, senders, objects, events, handles
 */

/* a name no other scenario, program or process uses */
static void make_name( char *buffer, const char *dir, const char *tag )
{
    sprintf( buffer, "%s\\" PORT_TEST_PREFIX "-%lx-%u-%s", dir, GetCurrentProcessId(), ++name_counter, tag );
}

static inline const char *leaf( const char *name )
{
    const char *p = strrchr( name, '\\' );
    return p ? p + 1 : name;
}

static void init_unicode( UNICODE_STRING *str, WCHAR *buffer, const char *name )
{
    int len = MultiByteToWideChar( CP_ACP, 0, name, -1, buffer, MAX_PATH );
    str->Buffer = buffer;
    str->Length = (len - 1) * sizeof(WCHAR);
    str->MaximumLength = len * sizeof(WCHAR);
}

static inline void init_attr( OBJECT_ATTRIBUTES *attr, UNICODE_STRING *str, WCHAR *buffer, const char *name )
{
    if (name) init_unicode( str, buffer, name );
    InitializeObjectAttributes( attr, name ? str : NULL, 0, NULL, NULL );
}

#define check_sender(h, pid, tid) check_sender_(__FILE__, __LINE__, h, pid, tid)
static inline void check_sender_( const char *file, int line, const TEST_PORT_MESSAGE *h, DWORD pid, DWORD tid )
{
    ok_(file, line)( h->ClientId.UniqueProcess == ULongToHandle( pid ), "sender process %p, expected %04lx\n",
                     h->ClientId.UniqueProcess, pid );
    if (tid) ok_(file, line)( h->ClientId.UniqueThread == ULongToHandle( tid ), "sender thread %p, expected %04lx\n",
                              h->ClientId.UniqueThread, tid );
}

#define check_port_type(h) check_port_type_(__FILE__, __LINE__, h)
static inline void check_port_type_( const char *file, int line, HANDLE handle )
{
    static const WCHAR alpc_port[] = L"ALPC Port";
    char buffer[1024];
    OBJECT_TYPE_INFORMATION *info = (OBJECT_TYPE_INFORMATION *)buffer;
    ULONG len = 0;
    NTSTATUS status;

    status = NtQueryObject( handle, ObjectTypeInformation, info, sizeof(buffer), &len );
    ok_(file, line)( status == STATUS_SUCCESS, "NtQueryObject(ObjectTypeInformation) failed: %#lx\n", status );
    if (status) return;
    /* Since Vista every port, NtCreatePort's included, is an "ALPC Port";
     * NT 5 reported "Port" (and "WaitablePort"). */
    ok_(file, line)( info->TypeName.Length == sizeof(alpc_port) - sizeof(WCHAR) &&
                     !memcmp( info->TypeName.Buffer, alpc_port, sizeof(alpc_port) - sizeof(WCHAR) ),
                     "type %s\n", wine_dbgstr_wn( info->TypeName.Buffer, info->TypeName.Length / sizeof(WCHAR) ));
}

/* is the object called leafname in directory dir, and is it an "ALPC Port"? */
#define check_in_directory(d, n, e) check_in_directory_(__FILE__, __LINE__, d, n, e)
static inline void check_in_directory_( const char *file, int line, const char *dir, const char *leafname, BOOL expect )
{
    static const WCHAR alpc_port[] = L"ALPC Port";
    UNICODE_STRING str, name, type;
    OBJECT_ATTRIBUTES attr;
    WCHAR buffer[MAX_PATH], name_buffer[MAX_PATH];
    char info_buffer[2048];
    DIRECTORY_BASIC_INFORMATION *info = (DIRECTORY_BASIC_INFORMATION *)info_buffer;
    ULONG context = 0, len;
    BOOL found = FALSE, restart = TRUE;
    NTSTATUS status;
    HANDLE handle;

    init_attr( &attr, &str, buffer, dir );
    status = NtOpenDirectoryObject( &handle, DIRECTORY_QUERY, &attr );
    ok_(file, line)( status == STATUS_SUCCESS, "NtOpenDirectoryObject(%s) failed: %#lx\n", dir, status );
    if (status) return;

    init_unicode( &name, name_buffer, leafname );
    RtlInitUnicodeString( &type, alpc_port );
    while (!(status = NtQueryDirectoryObject( handle, info, sizeof(info_buffer), TRUE, restart, &context, &len )))
    {
        restart = FALSE;
        if (!RtlEqualUnicodeString( &info->ObjectName, &name, TRUE )) continue;
        found = TRUE;
        ok_(file, line)( RtlEqualUnicodeString( &info->ObjectTypeName, &type, FALSE ), "%s\\%s has type %s\n", dir,
                         leafname, wine_dbgstr_wn( info->ObjectTypeName.Buffer, info->ObjectTypeName.Length / sizeof(WCHAR) ));
        break;
    }
    ok_(file, line)( found || status == STATUS_NO_MORE_ENTRIES, "NtQueryDirectoryObject(%s) failed: %#lx\n", dir, status );
    ok_(file, line)( found == expect, "%s\\%s %s in the directory\n", dir, leafname, found ? "is" : "is not" );
    NtClose( handle );
}

/* a manual-reset event for synchronisation, named after a port */
static inline HANDLE create_event( const char *port_name, const char *suffix )
{
    char name[MAX_PATH];
    HANDLE event;

    sprintf( name, "%s-%s", leaf( port_name ), suffix );
    event = CreateEventA( NULL, TRUE, FALSE, name );
    ok( event != NULL, "CreateEvent(%s) failed: %lu\n", name, GetLastError() );
    return event;
}

/* waits until the server sets the port's "go" event */
static inline BOOL wait_for_go( const char *port_name )
{
    char name[MAX_PATH];
    HANDLE event;
    DWORD ret;

    sprintf( name, "%s-go", leaf( port_name ));
    event = OpenEventA( SYNCHRONIZE, FALSE, name );
    ok( event != NULL, "OpenEvent(%s) failed: %lu\n", name, GetLastError() );
    if (!event) return FALSE;
    ret = WaitForSingleObject( event, CLIENT_WAIT );
    ok( ret == WAIT_OBJECT_0, "server did not say go\n" );
    CloseHandle( event );
    return ret == WAIT_OBJECT_0;
}

static void close_handle( HANDLE *handle )
{
    if (*handle) CloseHandle( *handle );
    *handle = NULL;
}


/***********************************************************************
 * Clients: a thread of this process or a child process
 */

struct client
{
    char   scenario[32];
    char   port[MAX_PATH];
    BOOL   process;
    HANDLE handle;      /* the thread or the process */
    DWORD  pid;
    DWORD  tid;         /* the thread that runs the client script */
};

/* a client script by its name; each program has its own */
struct client_scenario
{
    const char *name;
    void (*func)( const char *port );
};

static void run_client( const char *scenario, const char *port );

/* runs the scenario of this name from a program's list */
static void run_client_scenario( const struct client_scenario *list, unsigned int count,
                                 const char *scenario, const char *port )
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        if (strcmp( scenario, list[i].name )) continue;
        list[i].func( port );
        return;
    }
    ok( 0, "unknown client scenario %s\n", scenario );
}

/* The start of a program's test: as a child ("PROGRAM client SCENARIO PORT",
 * or "PROGRAM server ..." where the program has a server role) it runs that
 * and returns TRUE; as the test itself it gets the watchdog (the harness
 * allows 180 s) and returns FALSE. */
static inline BOOL run_child( int argc, void (*server)( const char *scenario, const char *port ) )
{
    if (argc < 5)
    {
        start_watchdog( 150000 );
        return FALSE;
    }
    start_watchdog( 60000 );
    running_in_child = TRUE;
    if (!strcmp( test_argv[2], "client" )) run_client( test_argv[3], test_argv[4] );
    else if (server && !strcmp( test_argv[2], "server" )) server( test_argv[3], test_argv[4] );
    else ok( 0, "unknown role %s\n", test_argv[2] );
    return TRUE;
}

static DWORD WINAPI client_thread( void *arg )
{
    struct client *client = arg;
    run_client( client->scenario, client->port );
    return 0;
}

/* this program again, as "PROGRAM role scenario arg" */
static BOOL start_child( const char *role, const char *scenario, const char *arg, BOOL inherit,
                         PROCESS_INFORMATION *pi )
{
    char cmdline[MAX_PATH * 3], exe[MAX_PATH];
    STARTUPINFOA si;
    BOOL ret;

    GetModuleFileNameA( NULL, exe, sizeof(exe) );
    sprintf( cmdline, "\"%s\" " PORT_TEST_PROGRAM " %s %s \"%s\"", exe, role, scenario, arg );
    memset( &si, 0, sizeof(si) );
    si.cb = sizeof(si);
    ret = CreateProcessA( NULL, cmdline, NULL, NULL, inherit, 0, NULL, NULL, &si, pi );
#ifdef PORT_TEST_CHECK_START
    ok( ret, "CreateProcess(%s) failed: %lu\n", cmdline, GetLastError() );
#else
    if (!ret) ok( 0, "CreateProcess(%s) failed: %lu\n", cmdline, GetLastError() );
#endif
    return ret;
}

/* the client script in a new thread, or in a child process that inherits
 * this process' inheritable handles if asked to */
static BOOL start_client_ex( struct client *client, BOOL process, const char *scenario, const char *port,
                             BOOL inherit )
{
    PROCESS_INFORMATION pi;

    memset( client, 0, sizeof(*client) );
    strcpy( client->scenario, scenario );
    strcpy( client->port, port );
    client->process = process;
    if (process)
    {
        if (!start_child( "client", scenario, port, inherit, &pi )) return FALSE;
        CloseHandle( pi.hThread );
        client->handle = pi.hProcess;
        client->pid = pi.dwProcessId;
        client->tid = pi.dwThreadId;
    }
    else
    {
        client->handle = CreateThread( NULL, 0, client_thread, client, 0, &client->tid );
        ok( client->handle != NULL, "CreateThread failed: %lu\n", GetLastError() );
        client->pid = GetCurrentProcessId();
    }
    return client->handle != NULL;
}

static BOOL start_client( struct client *client, BOOL process, const char *scenario, const char *port )
{
    return start_client_ex( client, process, scenario, port, FALSE );
}

/* waits for the client script to end; a child reports its failures in its exit code */
#define finish_client(c) finish_client_(__FILE__, __LINE__, c)
static void finish_client_( const char *file, int line, struct client *client )
{
    DWORD ret, code = 0;

    if (!client->handle) return;
    ret = WaitForSingleObject( client->handle, 2 * wait_time() );
    ok_(file, line)( ret == WAIT_OBJECT_0, "%s client \"%s\" did not finish\n",
                     client->process ? "process" : "thread", client->scenario );
    if (ret != WAIT_OBJECT_0)
    {
        note_timeout();
        if (client->process) TerminateProcess( client->handle, 0xdead );
        else TerminateThread( client->handle, 0xdead );
        WaitForSingleObject( client->handle, 1000 );
    }
    else
    {
        if (client->process) GetExitCodeProcess( client->handle, &code );
        else GetExitCodeThread( client->handle, &code );
        ok_(file, line)( !code, "%s client \"%s\" exited with %#lx\n",
                         client->process ? "process" : "thread", client->scenario, code );
    }
    close_handle( &client->handle );
}

#define kill_client(c) kill_client_(__FILE__, __LINE__, c)
static inline void kill_client_( const char *file, int line, struct client *client )
{
    DWORD ret;

    if (client->process) ret = TerminateProcess( client->handle, 0x77 );
    else ret = TerminateThread( client->handle, 0x77 );
    ok_(file, line)( ret, "could not kill the client: %lu\n", GetLastError() );
    ret = WaitForSingleObject( client->handle, wait_time() );
    ok_(file, line)( ret == WAIT_OBJECT_0, "killed client did not end\n" );
    close_handle( &client->handle );
}

#endif /* __WINE_LPC_PORT_TEST_H */
