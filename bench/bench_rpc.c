/*
 * ncalrpc through the normal RPC API: a null call, a 1 MiB [in] call, and
 * connect + bind + call + close.
 *
 *   bench_rpc.exe ID-PREFIX        the server; it starts the client itself
 *   bench_rpc.exe client ENDPOINT ID-PREFIX
 *
 * ID-PREFIX names the rows ("ncalrpc" gives ncalrpc_null, ...).  run.py runs
 * the same program under ./wine-lpc and under Debian's stock Wine (8.0 or 10.0, as
 * "stock_ncalrpc"), so that the two can be compared from one run.
 *
 * The server listens with RpcServerUseProtseqEp("ncalrpc", ...),
 * RpcServerRegisterIf and RpcServerListen; the client, a separate process,
 * binds with RpcStringBindingCompose + RpcBindingFromStringBinding.  Stubs
 * come from bench_rpc.idl (widl -Oicf); rpcrt4 is mingw-w64's import library.
 */

#include "bench.h"
#include <rpc.h>
#include "bench_rpc.h"

#define MIB (1 << 20)

void s_null_call(void)
{
}

void s_put( int len, byte *data )
{
    (void)len;
    (void)data;
}

void __RPC_FAR * __RPC_USER MIDL_user_allocate( SIZE_T len )
{
    return malloc( len );
}

void __RPC_USER MIDL_user_free( void __RPC_FAR *ptr )
{
    free( ptr );
}

/* mingw-w64's gcc has no __try: an RPC exception in a call ends the client,
 * and the server reports its exit code */
static byte *mib_data;

static void call_null(void)
{
    null_call();
}

static void call_put(void)
{
    put( MIB, mib_data );
}

static RPC_CSTR binding_string;

static void bind_handle(void)
{
    RPC_STATUS status;

    if ((status = RpcBindingFromStringBindingA( binding_string, &bench_rpc_handle )))
        fail( "RpcBindingFromStringBinding(%s) -> %ld", (char *)binding_string, (long)status );
}

static void free_handle(void)
{
    RPC_STATUS status;

    if ((status = RpcBindingFree( &bench_rpc_handle ))) fail( "RpcBindingFree -> %ld", (long)status );
}

static void op_null( void *ctx )
{
    (void)ctx;
    call_null();
}

static void op_put( void *ctx )
{
    (void)ctx;
    call_put();
}

static void op_connect( void *ctx )
{
    (void)ctx;
    bind_handle();
    call_null();
    free_handle();
}

static void client( const char *endpoint, const char *prefix )
{
    char id[64], scenario[256];
    struct samples s;
    struct extra extra;
    RPC_STATUS status;
    double budget = budget_ms();
    const char *where = strncmp( prefix, "stock_", 6 ) ? "" : ", stock Wine";

    bench_init( "rpc client" );
    bench_step = "binding";
    if ((status = RpcStringBindingComposeA( NULL, (RPC_CSTR)"ncalrpc", NULL, (RPC_CSTR)endpoint, NULL,
                                            &binding_string )))
        fail( "RpcStringBindingCompose -> %ld", (long)status );
    if (!(mib_data = malloc( MIB ))) fail( "out of memory" );
    memset( mib_data, 0x5a, MIB );
    samples_init( &s, 500000 );

    /* one binding for the null and 1 MiB calls: the first call connects and binds */
    bind_handle();
    call_null();

    bench_step = "null calls";
    measure( &s, op_null, NULL, 200, budget );
    snprintf( id, sizeof(id), "%s_null", prefix );
    snprintf( scenario, sizeof(scenario), "ncalrpc null call round trip%s", where );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"endpoint\": \"%s\"", endpoint );
    report_latency( id, scenario, &s, &extra );

    bench_step = "1 MiB calls";
    measure( &s, op_put, NULL, 20, budget );
    snprintf( id, sizeof(id), "%s_1mib", prefix );
    snprintf( scenario, sizeof(scenario), "ncalrpc 1 MiB [in] call%s", where );
    memset( &extra, 0, sizeof(extra) );
    extra_add( &extra, "\"bytes\": %u", MIB );
    report_rate( id, scenario, "MB/s", MIB, &s, s.count, &extra );

    /* Free the long-lived binding first: while it holds the association, a
     * freed binding's connection would stay pooled and be reused. */
    free_handle();
    bench_step = "connect + bind + call + close";
    measure( &s, op_connect, NULL, 200, budget );
    snprintf( id, sizeof(id), "%s_connect", prefix );
    snprintf( scenario, sizeof(scenario), "ncalrpc connect + bind + null call + close%s", where );
    report_latency( id, scenario, &s, NULL );

    RpcStringFreeA( &binding_string );
    ExitProcess( 0 );
}

int main( int argc, char **argv )
{
    char endpoint[64];
    const char *prefix;
    RPC_STATUS status;
    HANDLE process;

    if (argc >= 4 && !strcmp( argv[1], "client" )) client( argv[2], argv[3] );

    prefix = argc >= 2 ? argv[1] : "ncalrpc";
    bench_init( "rpc server" );
    snprintf( endpoint, sizeof(endpoint), "wine_lpc_bench_%lu", (unsigned long)GetCurrentProcessId() );
    bench_step = "listening";
    if ((status = RpcServerUseProtseqEpA( (RPC_CSTR)"ncalrpc", 20, (RPC_CSTR)endpoint, NULL )))
        fail( "RpcServerUseProtseqEp(ncalrpc, %s) -> %ld", endpoint, (long)status );
    if ((status = RpcServerRegisterIf( s_bench_rpc_v1_0_s_ifspec, NULL, NULL )))
        fail( "RpcServerRegisterIf -> %ld", (long)status );
    if ((status = RpcServerListen( 1, 20, TRUE ))) fail( "RpcServerListen -> %ld", (long)status );

    bench_step = "waiting for the client";
    process = start_client( "%s %s", endpoint, prefix );
    finish_client( process, BENCH_WATCHDOG_MS - 5000 );

    bench_step = "stopping";
    if ((status = RpcMgmtStopServerListening( NULL ))) fail( "RpcMgmtStopServerListening -> %ld", (long)status );
    RpcMgmtWaitServerListen();
    RpcServerUnregisterIf( NULL, NULL, FALSE );
    return 0;
}
