/*
 * wine-lpc benchmarks: Wine baselines, measured under the same ./wine-lpc
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
 * "bench_baseline pipe": a message-mode named pipe; the client writes 64
 * bytes and reads the 64 the server writes back (WriteFile + ReadFile on
 * each side).
 *
 * "bench_baseline pipe-connect": the client opens the server's pipe and
 * closes it; the server connects the instance, sees it closed and
 * disconnects it for the next one (ConnectNamedPipe, ReadFile,
 * DisconnectNamedPipe): the counterpart of ALPC's connect + accept +
 * disconnect.
 *
 * "bench_baseline event": two auto-reset events; the client sets one and
 * waits for the other (SetEvent + WaitForSingleObject on each side), with
 * 64 bytes copied each way through shared memory.
 *
 * In both the server process starts the client ("bench_baseline client
 * KIND NAME"), which times the round trips.
 */

#include "bench.h"

#define SMALL_DATA 64

/***********************************************************************
 * Named pipe
 */

static int pipe_server(void)
{
    char name[MAX_PATH], buf[SMALL_DATA];
    HANDLE pipe, client;
    DWORD got, put;

    bench_init( "pipe server" );
    snprintf( name, sizeof(name), "\\\\.\\pipe\\wine-lpc-bench-%u", (unsigned)GetCurrentProcessId() );
    pipe = CreateNamedPipeA( name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1,
                             4096, 4096, 0, NULL );
    if (pipe == INVALID_HANDLE_VALUE) fail( "CreateNamedPipe, error %u", (unsigned)GetLastError() );
    client = start_client( "pipe \"%s\"", name );
    bench_step = "ConnectNamedPipe";
    if (!ConnectNamedPipe( pipe, NULL ) && GetLastError() != ERROR_PIPE_CONNECTED)
        fail( "ConnectNamedPipe, error %u", (unsigned)GetLastError() );
    bench_step = "serving";
    while (ReadFile( pipe, buf, sizeof(buf), &got, NULL ))
        if (!WriteFile( pipe, buf, got, &put, NULL ) || put != got)
            fail( "WriteFile, error %u", (unsigned)GetLastError() );
    if (GetLastError() != ERROR_BROKEN_PIPE) fail( "ReadFile, error %u", (unsigned)GetLastError() );
    CloseHandle( pipe );
    finish_client( client, 30000 );
    return 0;
}

struct pipe_ctx
{
    HANDLE pipe;
    ULONG seq;
};

static void pipe_op( void *arg )
{
    struct pipe_ctx *c = arg;
    char buf[SMALL_DATA], back[SMALL_DATA];
    DWORD n;

    memset( buf, 0x5a, sizeof(buf) );
    *(ULONG *)buf = ++c->seq;
    if (!WriteFile( c->pipe, buf, sizeof(buf), &n, NULL ) || n != sizeof(buf))
        fail( "WriteFile, error %u", (unsigned)GetLastError() );
    if (!ReadFile( c->pipe, back, sizeof(back), &n, NULL ) || n != sizeof(back) || *(ULONG *)back != c->seq)
        fail( "ReadFile, error %u, %u bytes", (unsigned)GetLastError(), (unsigned)n );
}

static int pipe_client( const char *name )
{
    struct pipe_ctx c = { NULL, 0 };
    struct samples s;
    DWORD mode = PIPE_READMODE_MESSAGE;

    bench_init( "pipe client" );
    bench_step = "connecting";
    c.pipe = CreateFileA( name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL );
    if (c.pipe == INVALID_HANDLE_VALUE) fail( "CreateFile(%s), error %u", name, (unsigned)GetLastError() );
    if (!SetNamedPipeHandleState( c.pipe, &mode, NULL, NULL ))
        fail( "SetNamedPipeHandleState, error %u", (unsigned)GetLastError() );
    samples_init( &s, 200000 );
    bench_step = "round trips";
    measure( &s, pipe_op, &c, 200, budget_ms() );
    report_latency( "wine_pipe", "Wine named pipe ping-pong (baseline)", &s, NULL );
    CloseHandle( c.pipe );
    free( s.v );
    return 0;
}

/* one instance, connected and disconnected again for every client; a
 * client that writes a byte before closing ends the server */
static int pipe_connect_server(void)
{
    char name[MAX_PATH], buf[1];
    HANDLE pipe, client;
    DWORD got;

    bench_init( "pipe-connect server" );
    snprintf( name, sizeof(name), "\\\\.\\pipe\\wine-lpc-bench-connect-%u", (unsigned)GetCurrentProcessId() );
    pipe = CreateNamedPipeA( name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1,
                             4096, 4096, 0, NULL );
    if (pipe == INVALID_HANDLE_VALUE) fail( "CreateNamedPipe, error %u", (unsigned)GetLastError() );
    client = start_client( "pipe-connect \"%s\"", name );
    bench_step = "serving";
    for (;;)
    {
        if (!ConnectNamedPipe( pipe, NULL ) && GetLastError() != ERROR_PIPE_CONNECTED)
            fail( "ConnectNamedPipe, error %u", (unsigned)GetLastError() );
        if (ReadFile( pipe, buf, sizeof(buf), &got, NULL ) && got) break;
        if (GetLastError() != ERROR_BROKEN_PIPE) fail( "ReadFile, error %u", (unsigned)GetLastError() );
        if (!DisconnectNamedPipe( pipe )) fail( "DisconnectNamedPipe, error %u", (unsigned)GetLastError() );
    }
    CloseHandle( pipe );
    finish_client( client, 30000 );
    return 0;
}

static HANDLE open_pipe( const char *name )
{
    HANDLE pipe;

    while ((pipe = CreateFileA( name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL )) ==
           INVALID_HANDLE_VALUE)
    {
        /* the server has not listened again yet */
        if (GetLastError() != ERROR_PIPE_BUSY) fail( "CreateFile(%s), error %u", name, (unsigned)GetLastError() );
        if (!WaitNamedPipeA( name, 10000 )) fail( "WaitNamedPipe(%s), error %u", name, (unsigned)GetLastError() );
    }
    return pipe;
}

static void pipe_connect_op( void *arg )
{
    CloseHandle( open_pipe( arg ) );
}

static int pipe_connect_client( char *name )
{
    struct samples s;
    HANDLE pipe;
    DWORD put;

    bench_init( "pipe-connect client" );
    samples_init( &s, 200000 );
    bench_step = "connects";
    measure( &s, pipe_connect_op, name, 200, budget_ms() );
    report_latency( "wine_pipe_connect", "Wine named pipe connect + close (baseline)", &s, NULL );
    pipe = open_pipe( name );
    if (!WriteFile( pipe, "q", 1, &put, NULL )) fail( "WriteFile, error %u", (unsigned)GetLastError() );
    CloseHandle( pipe );
    free( s.v );
    return 0;
}

/***********************************************************************
 * Events
 */

struct shared
{
    volatile LONG stop;
    char data[2][SMALL_DATA];
};

struct event_ctx
{
    HANDLE ping, pong, mapping;
    struct shared *shm;
    ULONG seq;
};

static void open_events( struct event_ctx *c, const char *name, BOOL create )
{
    char ping[MAX_PATH], pong[MAX_PATH], map[MAX_PATH];
    HANDLE mapping;

    snprintf( ping, sizeof(ping), "%s-ping", name );
    snprintf( pong, sizeof(pong), "%s-pong", name );
    snprintf( map, sizeof(map), "%s-shm", name );
    if (create)
    {
        c->ping = CreateEventA( NULL, FALSE, FALSE, ping );
        c->pong = CreateEventA( NULL, FALSE, FALSE, pong );
        mapping = CreateFileMappingA( INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(struct shared), map );
    }
    else
    {
        c->ping = OpenEventA( EVENT_ALL_ACCESS, FALSE, ping );
        c->pong = OpenEventA( EVENT_ALL_ACCESS, FALSE, pong );
        mapping = OpenFileMappingA( FILE_MAP_ALL_ACCESS, FALSE, map );
    }
    if (!c->ping || !c->pong) fail( "events %s, error %u", name, (unsigned)GetLastError() );
    if (!mapping) fail( "mapping %s, error %u", map, (unsigned)GetLastError() );
    if (!(c->shm = MapViewOfFile( mapping, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(struct shared) )))
        fail( "MapViewOfFile, error %u", (unsigned)GetLastError() );
    /* the handle stays open: the name lives only as long as a handle does */
    c->mapping = mapping;
}

static int event_server(void)
{
    struct event_ctx c;
    char name[MAX_PATH];
    HANDLE client;

    bench_init( "event server" );
    snprintf( name, sizeof(name), "wine-lpc-bench-event-%u", (unsigned)GetCurrentProcessId() );
    open_events( &c, name, TRUE );
    client = start_client( "event \"%s\"", name );
    bench_step = "serving";
    for (;;)
    {
        DWORD ret = WaitForSingleObject( c.ping, 1000 );
        if (ret == WAIT_TIMEOUT && !WaitForSingleObject( client, 0 )) fail( "the client is gone" );
        if (ret == WAIT_TIMEOUT) continue;
        if (ret) fail( "WaitForSingleObject(ping) -> %u", (unsigned)ret );
        if (c.shm->stop) break;
        memcpy( c.shm->data[1], c.shm->data[0], SMALL_DATA );
        if (!SetEvent( c.pong )) fail( "SetEvent, error %u", (unsigned)GetLastError() );
    }
    finish_client( client, 30000 );
    return 0;
}

static void event_op( void *arg )
{
    struct event_ctx *c = arg;
    char buf[SMALL_DATA];
    DWORD ret;

    memset( buf, 0x5a, sizeof(buf) );
    *(ULONG *)buf = ++c->seq;
    memcpy( c->shm->data[0], buf, SMALL_DATA );
    if (!SetEvent( c->ping )) fail( "SetEvent, error %u", (unsigned)GetLastError() );
    if ((ret = WaitForSingleObject( c->pong, 60000 ))) fail( "WaitForSingleObject(pong) -> %u", (unsigned)ret );
    memcpy( buf, c->shm->data[1], SMALL_DATA );
    if (*(ULONG *)buf != c->seq) fail( "the data came back wrong" );
}

static int event_client( const char *name )
{
    struct event_ctx c;
    struct samples s;

    bench_init( "event client" );
    open_events( &c, name, FALSE );
    c.seq = 0;
    samples_init( &s, 200000 );
    bench_step = "round trips";
    measure( &s, event_op, &c, 200, budget_ms() );
    report_latency( "wine_event", "Wine event ping-pong (baseline)", &s, NULL );
    c.shm->stop = 1;
    SetEvent( c.ping );
    free( s.v );
    return 0;
}

int main( int argc, char **argv )
{
    if (argc == 4 && !strcmp( argv[1], "client" ) && !strcmp( argv[2], "pipe" )) return pipe_client( argv[3] );
    if (argc == 4 && !strcmp( argv[1], "client" ) && !strcmp( argv[2], "event" )) return event_client( argv[3] );
    if (argc == 4 && !strcmp( argv[1], "client" ) && !strcmp( argv[2], "pipe-connect" ))
        return pipe_connect_client( argv[3] );
    if (argc == 2 && !strcmp( argv[1], "pipe-connect" )) return pipe_connect_server();
    if (argc == 2 && !strcmp( argv[1], "pipe" )) return pipe_server();
    if (argc == 2 && !strcmp( argv[1], "event" )) return event_server();
    fprintf( stderr, "usage: %s pipe|pipe-connect|event\n", argv[0] );
    return 2;
}
