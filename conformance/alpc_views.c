/*
 * ALPC port sections and views, and their limits, across threads and
 * across processes
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
 * Built like alpc.c, with the same harness (port_test.h).  Every scenario
 * runs twice: once with the client in a second thread of this process, once
 * with the client in a child process ("alpc_attrs client SCENARIO
 * PORTNAME"), which reports through its own ok() calls and its exit code.
 *
 * Nothing here may block without a bound: the server side receives with a
 * timeout, clients pass timeouts to their connects and synchronous requests,
 * completion packets are waited for with a timeout, and clients run in
 * threads or children that are waited for with a timeout and killed when it
 * runs out.  After a few timeouts no new scenario starts; a watchdog thread
 * ends the program (and each child) should a wait have no bound after all.
 *
 * Where an expectation comes from, in the comments: "OV" microsoft/openvmm's
 * ALPC wrapper and its tests, "TC" microsoft/terminal's ConIoSrv, "CS"
 * csandker's ALPC samples, "NT" NtApiDotNet, "LA" libalpc (all through
 * sections 7 to 9 of the project's lpc-alpc-reference-full.md), "guess" our
 * own expectation.  Checks without a mark are plain object manager or
 * memory manager behaviour.
 *
 * Not tested here: attributes in replies, in connection and accept
 * messages, view flags (AUTO_RELEASE, UNMAP_EXISTING, secure sections),
 * DUPLICATE_SAME_ATTRIBUTES and DUPLICATE_INHERIT, handle types other than
 * events and semaphores, completion lists.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ntstatus.h"
#define WIN32_NO_STATUS
#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "winternl.h"
#include "ntdef/ntlpcapi.h"
#include "wine/test.h"
#define PORT_TEST_PROGRAM "alpc_views"
#define PORT_TEST_PREFIX "alpc-views"
#include "port_test.h"
#include "alpc_attrs_test.h"

/***********************************************************************
 * 3. Port sections and views
 */

/* NtAlpcCreatePortSection and NtAlpcCreateSectionView (OV, NT): a writable
 * view of the new section in the caller */
#define create_view(p, sh, sz, s, v) create_view_(__FILE__, __LINE__, p, sh, sz, s, v)
static BOOL create_view_( const char *file, int line, HANDLE port, HANDLE nt_section, SIZE_T size,
                          ALPC_HANDLE *section, ALPC_DATA_VIEW_ATTR *view )
{
    MEMORY_BASIC_INFORMATION info;
    SIZE_T actual = 0;
    NTSTATUS status;

    *section = NULL;
    status = pNtAlpcCreatePortSection( port, 0, nt_section, size, section, &actual );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreatePortSection(%#Ix) failed: %#lx\n", size, status );
    if (status) return FALSE;
    ok_(file, line)( *section != NULL, "no section handle\n" );
    ok_(file, line)( actual >= size, "actual size %#Ix, asked for %#Ix\n", actual, size );

    memset( view, 0, sizeof(*view) );
    view->SectionHandle = *section;
    view->ViewSize = size;
    status = pNtAlpcCreateSectionView( port, 0, view );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcCreateSectionView(%#Ix) failed: %#lx\n", size, status );
    if (status) return FALSE;
    ok_(file, line)( view->ViewBase != NULL, "no ViewBase\n" );
    /* guess: the view is as large as asked */
    ok_(file, line)( view->ViewSize == size, "ViewSize %#Ix, asked for %#Ix\n", view->ViewSize, size );
    if (!view->ViewBase || view->ViewSize < size) return FALSE;
    memset( &info, 0, sizeof(info) );
    VirtualQuery( view->ViewBase, &info, sizeof(info) );
    ok_(file, line)( info.State == MEM_COMMIT && (info.Protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE)),
                     "view at %p: state %#lx, protection %#lx\n", view->ViewBase, info.State, info.Protect );
    return info.State == MEM_COMMIT && (info.Protect & (PAGE_READWRITE | PAGE_EXECUTE_READWRITE));
}

/* NtAlpcDeleteSectionView unmaps (LA, OV, TC); the address is no view any more */
#define delete_view(p, b) delete_view_(__FILE__, __LINE__, p, b)
static void delete_view_( const char *file, int line, HANDLE port, void *base )
{
    NTSTATUS status;

    if (!base) return;
    status = pNtAlpcDeleteSectionView( port, 0, base );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcDeleteSectionView(%p) failed: %#lx\n", base, status );
    if (status) return;
    check_free_( file, line, base );
    /* guess: any failure */
    status = pNtAlpcDeleteSectionView( port, 0, base );
    ok_(file, line)( !NT_SUCCESS( status ), "NtAlpcDeleteSectionView(%p) again: %#lx\n", base, status );
}

/* NtAlpcDeletePortSection frees it once (TC) */
#define delete_section(p, s) delete_section_(__FILE__, __LINE__, p, s)
static void delete_section_( const char *file, int line, HANDLE port, ALPC_HANDLE section )
{
    NTSTATUS status;

    if (!section) return;
    status = pNtAlpcDeletePortSection( port, 0, section );
    ok_(file, line)( status == STATUS_SUCCESS, "NtAlpcDeletePortSection failed: %#lx\n", status );
    /* guess: any failure */
    status = pNtAlpcDeletePortSection( port, 0, section );
    ok_(file, line)( !NT_SUCCESS( status ), "NtAlpcDeletePortSection again: %#lx\n", status );
}

/* In the thread runs both sides map and unmap views in one process.  A view
 * may only be mapped while the other side waits for a message, so that no
 * address it has just freed is taken again before it checked that it is
 * free: each side deletes its views before the round trip that lets the
 * other go on mapping. */
static void client_views( const char *name )
{
    ALPC_HANDLE section = NULL, small = NULL, wrapped = NULL;
    ALPC_DATA_VIEW_ATTR view, bad_view;
    MEMORY_BASIC_INFORMATION info;
    LARGE_INTEGER section_size;
    HANDLE port, other, nt_section = NULL;
    view_attrs vattrs;
    recv_attrs attrs;
    NTSTATUS status;
    alpc_msg msg;
    void *base;
    ULONG size;
    int local;

    if (!(port = client_connect( name, 0, 0 ))) return;

    /* 1 MiB through a view; the message itself stays small (OV, NT).  The
     * request goes without a view if there is none, so the server does not
     * wait for it in vain. */
    if (create_view( port, NULL, BIG_VIEW, &section, &view ))
    {
        fill_pattern( view.ViewBase, BIG_VIEW, 0x1234 );
        sync_request( port, "big-view 100000", init_view_attrs( &vattrs, &view ), "big-view-ok" );
        /* still ours, and what we wrote */
        check_pattern( view.ViewBase, BIG_VIEW, 0x1234 );
        delete_view( port, view.ViewBase );
    }
    else sync_request( port, "big-view 0", NULL, "big-view-ok" );
    delete_section( port, section );
    sync_request( port, "big-view-deleted", NULL, "ok" );

    /* guess: an address that is no view, any failure */
    status = pNtAlpcDeleteSectionView( port, 0, &local );
    ok( !NT_SUCCESS( status ), "NtAlpcDeleteSectionView(a stack address): %#lx\n", status );

    if (create_view( port, NULL, SMALL_VIEW, &small, &view ))
    {
        /* guess: a view larger than its section, any failure */
        memset( &bad_view, 0, sizeof(bad_view) );
        bad_view.SectionHandle = small;
        bad_view.ViewSize = 2 * SMALL_VIEW;
        status = pNtAlpcCreateSectionView( port, 0, &bad_view );
        ok( !NT_SUCCESS( status ), "view of %#x bytes of a section of %#x: %#lx\n", 2 * SMALL_VIEW, SMALL_VIEW,
            status );
        if (NT_SUCCESS( status )) pNtAlpcDeleteSectionView( port, 0, bad_view.ViewBase );

        /* guess: a view belongs to its port (the kernel's view has an owner
         * port, ND); another port of the process cannot delete it */
        other = NULL;
        status = pNtAlpcCreatePort( &other, NULL, NULL );
        ok( status == STATUS_SUCCESS, "NtAlpcCreatePort(NULL, NULL) failed: %#lx\n", status );
        if (!status)
        {
            status = pNtAlpcDeleteSectionView( other, 0, view.ViewBase );
            ok( !NT_SUCCESS( status ), "NtAlpcDeleteSectionView through another port: %#lx\n", status );
            /* the view is gone then: nothing more to check about it */
            if (NT_SUCCESS( status )) view.ViewBase = NULL;
            else
            {
                memset( &info, 0, sizeof(info) );
                VirtualQuery( view.ViewBase, &info, sizeof(info) );
                ok( info.State == MEM_COMMIT, "view at %p: state %#lx\n", view.ViewBase, info.State );
            }
            NtClose( other );
        }
        delete_view( port, view.ViewBase );
    }
    delete_section( port, small );

    /* a section of the caller's, wrapped (the reference, 8.2) */
    section_size.QuadPart = SMALL_VIEW;
    status = NtCreateSection( &nt_section, SECTION_ALL_ACCESS, NULL, &section_size, PAGE_READWRITE, SEC_COMMIT, NULL );
    ok( status == STATUS_SUCCESS, "NtCreateSection failed: %#lx\n", status );
    if (!status && create_view( port, nt_section, SMALL_VIEW, &wrapped, &view ))
    {
        fill_pattern( view.ViewBase, SMALL_VIEW, 0x5678 );
        sync_request( port, "wrapped-view 10000", init_view_attrs( &vattrs, &view ), "wrapped-view-ok" );
        delete_view( port, view.ViewBase );
    }
    else sync_request( port, "wrapped-view 0", NULL, "wrapped-view-ok" );
    delete_section( port, wrapped );
    if (nt_section) NtClose( nt_section );

    /* the server maps its view while we wait for this reply, then sends it */
    sync_request( port, "wrapped-view-deleted", NULL, "ok" );
    status = receive_msg( port, &msg, &attrs, CLIENT_WAIT );
    ok( status == STATUS_SUCCESS, "receiving the server's view failed: %#lx\n", status );
    if (!status)
    {
        ok( MSG_TYPE( &msg ) == LPC_REQUEST, "type %#x\n", msg.h.u2.s2.Type );
        /* the server says how large its view is, 0 when it has none */
        size = 0;
        ok( sscanf( msg.data, "server-view %lx", &size ) == 1, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
        base = size ? check_recv_view( &attrs, SMALL_VIEW, 0x9abc ) : NULL;
        reply_msg( port, &msg, "server-view-ok" );
        /* guess: on the port that received it */
        delete_view( port, base );
    }

    sync_request( port, "views-bye", NULL, "bye" );
    client_close( port );
}

static void test_views( BOOL process )
{
    ALPC_DATA_VIEW_ATTR view;
    ALPC_HANDLE section = NULL;
    view_attrs vattrs;
    recv_attrs attrs;
    struct session s;
    NTSTATUS status;
    alpc_msg msg;
    ULONG size;
    void *base;

    if (!session_init( &s, "views", 0, 0 )) goto done;
    if (!start_client( &s.client, process, "views", s.name )) goto done;
    if (!session_accept( &s )) goto done;

    /* the client's 1 MiB view, mapped here with its data (OV, NT); the
     * client says how large it is, 0 when it has none */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    size = ~0u;
    ok( sscanf( msg.data, "big-view %lx", &size ) == 1, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
    base = size ? check_recv_view( &attrs, BIG_VIEW, 0x1234 ) : NULL;
    reply_msg( s.comm, &msg, "big-view-ok" );
    /* guess: deleted through the port that received it (LA, OV: the receiver deletes it) */
    delete_view( s.port, base );
    if (!expect_request( s.port, &msg, &attrs, "big-view-deleted" )) goto done;
    reply_msg( s.comm, &msg, "ok" );

    /* the wrapped section's */
    if (!expect_msg( s.port, &msg, &attrs, LPC_REQUEST )) goto done;
    size = ~0u;
    ok( sscanf( msg.data, "wrapped-view %lx", &size ) == 1, "data %s\n", wine_dbgstr_an( msg.data, 32 ));
    base = size ? check_recv_view( &attrs, SMALL_VIEW, 0x5678 ) : NULL;
    reply_msg( s.comm, &msg, "wrapped-view-ok" );
    delete_view( s.port, base );
    if (!expect_request( s.port, &msg, &attrs, "wrapped-view-deleted" )) goto done;

    /* guess: a view of the server's, made on the communication port, to the client */
    view.ViewBase = NULL;
    if (create_view( s.comm, NULL, SMALL_VIEW, &section, &view ))
    {
        fill_pattern( view.ViewBase, SMALL_VIEW, 0x9abc );
        reply_msg( s.comm, &msg, "ok" );
        set_msg( &msg, "server-view 10000" );
        status = send_msg( s.comm, 0, &msg, init_view_attrs( &vattrs, &view ));
    }
    else
    {
        reply_msg( s.comm, &msg, "ok" );
        set_msg( &msg, "server-view 0" );
        status = send_msg( s.comm, 0, &msg, NULL );
    }
    ok( status == STATUS_SUCCESS, "request to the client failed: %#lx\n", status );
    if (!status && expect_msg( s.port, &msg, &attrs, LPC_REPLY )) check_data( &msg, "server-view-ok" );
    delete_view( s.comm, view.ViewBase );
    delete_section( s.comm, section );

    if (!expect_request( s.port, &msg, &attrs, "views-bye" )) goto done;
    reply_msg( s.comm, &msg, "bye" );
    expect_closed( s.port );
done:
    session_end( &s );
}


/* ALPC_PORT_ATTRIBUTES' section and view limits, given when the connection
 * port is made (which its communication ports keep, guess) or when a client
 * connects.  The statuses are guesses: no public source shows them. */
#define LIMIT_SECTION 0x10000
#define LIMIT_VIEW    0x4000
#define LIMIT_TOTAL   0x18000
#define CLIENT_LIMIT_SECTION 0x8000

static void init_limit_attrs( ALPC_PORT_ATTRIBUTES *attrs, SIZE_T section, SIZE_T view, SIZE_T total )
{
    init_port_attrs( attrs, 0, 0 );
    attrs->MaxSectionSize = section;
    attrs->MaxViewSize = view;
    attrs->MaxTotalSectionSize = total;
}

#define check_limits(p, s, v, t) check_limits_(__FILE__, __LINE__, p, s, v, t)
static void check_limits_( const char *file, int line, HANDLE port, SIZE_T max_section, SIZE_T max_view,
                           SIZE_T max_total )
{
    ALPC_HANDLE section = NULL, second = NULL;
    ALPC_DATA_VIEW_ATTR view;
    SIZE_T actual;
    NTSTATUS status;

    status = pNtAlpcCreatePortSection( port, 0, NULL, max_section + 0x1000, &section, &actual );
    ok_(file, line)( status == STATUS_SECTION_TOO_BIG, "section over the limit: %#lx\n", status );
    if (!status) delete_section_( file, line, port, section );

    if (!create_view_( file, line, port, NULL, max_view, &section, &view )) return;
    delete_view_( file, line, port, view.ViewBase );
    memset( &view, 0, sizeof(view) );
    view.SectionHandle = section;
    view.ViewSize = max_view + 0x1000;
    status = pNtAlpcCreateSectionView( port, 0, &view );
    ok_(file, line)( status == STATUS_INVALID_VIEW_SIZE, "view over the limit: %#lx\n", status );
    if (!status) delete_view_( file, line, port, view.ViewBase );
    if (max_view < max_section)
    {
        /* a view of all of a section that is larger than the limit */
        delete_section_( file, line, port, section );
        status = pNtAlpcCreatePortSection( port, 0, NULL, max_section, &section, &actual );
        ok_(file, line)( status == STATUS_SUCCESS, "section at the limit failed: %#lx\n", status );
        memset( &view, 0, sizeof(view) );
        view.SectionHandle = section;
        status = pNtAlpcCreateSectionView( port, 0, &view );
        ok_(file, line)( status == STATUS_INVALID_VIEW_SIZE, "view of all of it: %#lx\n", status );
        if (!status) delete_view_( file, line, port, view.ViewBase );
    }

    if (max_total)
    {
        /* callers with a total have a view limit below the section limit, so
         * the section of max_section is there, and leaves no room for another */
        status = pNtAlpcCreatePortSection( port, 0, NULL, max_section, &second, &actual );
        ok_(file, line)( status == STATUS_QUOTA_EXCEEDED, "sections over the total: %#lx\n", status );
        if (!status) delete_section_( file, line, port, second );
        /* what is deleted counts no more */
        delete_section_( file, line, port, section );
        status = pNtAlpcCreatePortSection( port, 0, NULL, max_section, &second, &actual );
        ok_(file, line)( status == STATUS_SUCCESS, "section after deleting one failed: %#lx\n", status );
        if (!status) delete_section_( file, line, port, second );
    }
    else delete_section_( file, line, port, section );
}

static void client_limits( const char *name )
{
    ALPC_PORT_ATTRIBUTES attrs;
    HANDLE port;

    init_limit_attrs( &attrs, CLIENT_LIMIT_SECTION, ~(SIZE_T)0, 0 );
    if (!(port = client_connect_( __FILE__, __LINE__, name, 0, 0, &attrs ))) return;
    check_limits( port, CLIENT_LIMIT_SECTION, CLIENT_LIMIT_SECTION, 0 );
    sync_request( port, "limits-done", NULL, "ok" );
    client_close( port );
}

static void test_limits( BOOL process )
{
    ALPC_PORT_ATTRIBUTES attrs;
    ALPC_HANDLE section;
    recv_attrs rattrs;
    struct session s;
    NTSTATUS status;
    SIZE_T actual;
    alpc_msg msg;

    memset( &s, 0, sizeof(s) );
    make_name( s.name, bno_dir, "limits" );
    init_limit_attrs( &attrs, LIMIT_SECTION, LIMIT_VIEW, LIMIT_TOTAL );
    if (!(s.port = create_port_( __FILE__, __LINE__, s.name, 0, 0, &attrs ))) goto done;
    if (!process) check_limits( s.port, LIMIT_SECTION, LIMIT_VIEW, LIMIT_TOTAL );
    if (!start_client( &s.client, process, "limits", s.name )) goto done;
    if (!session_accept( &s )) goto done;
    if (process) check_limits( s.comm, LIMIT_SECTION, LIMIT_VIEW, LIMIT_TOTAL );
    if (!expect_request( s.port, &msg, &rattrs, "limits-done" )) goto done;
    reply_msg( s.comm, &msg, "ok" );
    expect_closed( s.port );

    /* 0 and SIZE_MAX are no limit (OV passes SIZE_MAX, TC 0) */
    init_limit_attrs( &attrs, 0, ~(SIZE_T)0, 0 );
    NtClose( s.port );
    s.port = create_port_( __FILE__, __LINE__, s.name, 0, 0, &attrs );
    if (s.port)
    {
        status = pNtAlpcCreatePortSection( s.port, 0, NULL, 0x100000, &section, &actual );
        ok( status == STATUS_SUCCESS, "section without a limit failed: %#lx\n", status );
        if (!status) delete_section( s.port, section );
    }
done:
    session_end( &s );
}

/***********************************************************************
 * Test driver
 */

static const struct client_scenario client_scenarios[] =
{
    { "views", client_views },
    { "limits", client_limits },
    { "ping", client_ping },
};

static void run_client( const char *scenario, const char *port )
{
    run_client_scenario( client_scenarios, ARRAY_SIZE(client_scenarios), scenario, port );
}

START_TEST(alpc_views)
{
    int argc = winetest_get_mainargs( &test_argv ), process;

    if (!init_functions() || run_child( argc, NULL )) return;

#define RUN(call) do { if (!too_many_timeouts()) call; } while (0)

    /* the client in a thread of this process, then in a child process */
    for (process = 0; process < 2; process++)
    {
        winetest_push_context( process ? "process" : "thread" );
        RUN( test_views( process ) );
        RUN( test_limits( process ) );
        RUN( test_still_works( process ) );
        winetest_pop_context();
    }
#undef RUN
}
