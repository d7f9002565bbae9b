/*
 * Unit tests for the LRPC message layout (dlls/rpcrt4/lrpc_msg.c)
 *
 * Built natively against Wine's headers.  The offsets are those of the
 * public descriptions of Windows' LRPC (lpc-alpc-reference-full.md, 10).
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "windef.h"
#include "winbase.h"
#include "rpc.h"
#include "lrpc_layout.h"

static const RPC_SYNTAX_IDENTIFIER iface =
    {{0x12345678, 0x1234, 0xabcd, {0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab}}, {1, 0}};
static const GUID object = {0xdeadbeef, 0x1111, 0x2222, {3, 4, 5, 6, 7, 8, 9, 10}};

static ULONG get_ulong( const void *buf, size_t offset )
{
    ULONG v;
    memcpy( &v, (const char *)buf + offset, sizeof(v) );
    return v;
}

static USHORT get_ushort( const void *buf, size_t offset )
{
    USHORT v;
    memcpy( &v, (const char *)buf + offset, sizeof(v) );
    return v;
}

static void test_bind(void **state)
{
    LRPC_BIND_MESSAGE bind;
    struct lrpc_info info;
    ULONG size;

    memset( &bind, 0xcc, sizeof(bind) );
    size = lrpc_init_bind( &bind, &iface, 7 );
    assert_int_equal( size, 0x48 );
    assert_int_equal( get_ulong( &bind, 0x00 ), 1 );                  /* lmtBind */
    assert_int_equal( get_ulong( &bind, 0x08 ), 0 );                  /* RpcStatus */
    assert_memory_equal( (char *)&bind + 0x0c, &iface, 0x14 );        /* Interface */
    assert_int_equal( get_ulong( &bind, 0x20 ), 1 );                  /* TransferSyntaxSet: DCE */
    assert_int_equal( get_ushort( &bind, 0x24 ), 7 );                 /* DceNdrSyntaxIdentifier */
    assert_int_equal( get_ulong( &bind, 0x40 ), 0 );                  /* ContextId */

    bind.RpcStatus = RPC_S_UNKNOWN_IF;
    assert_true( lrpc_parse( &bind, sizeof(bind), &info ));
    assert_int_equal( info.type, lmtBind );
    assert_int_equal( info.status, RPC_S_UNKNOWN_IF );
    assert_int_equal( info.binding_id, 7 );
    assert_false( lrpc_parse( &bind, sizeof(bind) - 1, &info ));
}

static void test_request(void **state)
{
    unsigned char buf[0x100];
    LRPC_REQUEST_MESSAGE *req = (LRPC_REQUEST_MESSAGE *)buf;
    struct lrpc_info info;
    ULONG size;

    size = lrpc_init_request( req, 0x55, 3, 9, NULL, 0x20 );
    assert_int_equal( size, 0x40 );
    assert_int_equal( get_ulong( buf, 0x00 ), 0 );     /* lmtRequest */
    assert_int_equal( get_ulong( buf, 0x08 ), 0 );     /* Flags */
    assert_int_equal( get_ulong( buf, 0x0c ), 0x55 );  /* CallId */
    assert_int_equal( get_ulong( buf, 0x10 ), 3 );     /* BindingId */
    assert_int_equal( get_ulong( buf, 0x14 ), 9 );     /* ProcNum */
    assert_true( lrpc_parse( buf, 0x40 + 0x20, &info ));
    assert_int_equal( info.type, lmtRequest );
    assert_int_equal( info.header_size, 0x40 );
    assert_int_equal( info.data_size, 0x20 );
    assert_int_equal( info.call_id, 0x55 );
    assert_int_equal( info.binding_id, 3 );
    assert_int_equal( info.proc_num, 9 );
    assert_null( info.object );
    assert_false( info.large );
    assert_false( lrpc_parse( buf, 0x3f, &info ));

    size = lrpc_init_request( req, 1, 3, 0, &object, LRPC_MAX_IMMEDIATE_DATA );
    assert_int_equal( size, 0x40 );
    assert_int_equal( get_ulong( buf, 0x08 ), LRPC_REQUEST_OBJECT_UUID );
    assert_memory_equal( buf + 0x30, &object, sizeof(object) );
    assert_true( lrpc_parse( buf, 0x40, &info ));
    assert_non_null( info.object );
    assert_memory_equal( info.object, &object, sizeof(object) );

    /* one byte more than fits a message goes in a view */
    size = lrpc_init_request( req, 1, 3, 0, NULL, LRPC_MAX_IMMEDIATE_DATA + 1 );
    assert_int_equal( size, 0x48 );
    assert_int_equal( get_ulong( buf, 0x08 ), LRPC_REQUEST_VIEW_PRESENT );
    assert_int_equal( get_ulong( buf, 0x40 ), LRPC_MAX_IMMEDIATE_DATA + 1 );  /* LargeDataSize */
    assert_true( lrpc_parse( buf, 0x48, &info ));
    assert_true( info.large );
    assert_int_equal( info.header_size, 0x48 );
    assert_int_equal( info.data_size, LRPC_MAX_IMMEDIATE_DATA + 1 );
    assert_false( lrpc_parse( buf, 0x47, &info ));
}

static void test_response_fault(void **state)
{
    unsigned char buf[0x100];
    struct lrpc_info info;
    ULONG size;

    size = lrpc_init_response( (LRPC_RESPONSE_MESSAGE *)buf, 0x77, 8 );
    assert_int_equal( size, 0x18 );
    assert_int_equal( get_ulong( buf, 0x00 ), 3 );     /* lmtResponse */
    assert_int_equal( get_ulong( buf, 0x08 ), 0 );
    assert_int_equal( get_ulong( buf, 0x0c ), 0x77 );  /* CallId */
    assert_true( lrpc_parse( buf, 0x18 + 8, &info ));
    assert_int_equal( info.type, lmtResponse );
    assert_int_equal( info.data_size, 8 );
    assert_false( lrpc_parse( buf, 0x17, &info ));

    size = lrpc_init_response( (LRPC_RESPONSE_MESSAGE *)buf, 0x77, 0x100000 );
    assert_int_equal( size, 0x20 );
    assert_int_equal( get_ulong( buf, 0x08 ), LRPC_RESPONSE_VIEW_PRESENT );
    assert_int_equal( get_ulong( buf, 0x18 ), 0x100000 );
    assert_true( lrpc_parse( buf, 0x20, &info ));
    assert_true( info.large );
    assert_int_equal( info.data_size, 0x100000 );
    assert_false( lrpc_parse( buf, 0x1f, &info ));

    size = lrpc_init_fault( (LRPC_FAULT_MESSAGE *)buf, RPC_S_PROCNUM_OUT_OF_RANGE );
    assert_int_equal( size, 0x10 );
    assert_int_equal( get_ulong( buf, 0x00 ), 2 );     /* lmtFault */
    assert_int_equal( get_ulong( buf, 0x08 ), RPC_S_PROCNUM_OUT_OF_RANGE );
    assert_int_equal( get_ulong( buf, 0x0c ), 0 );
    assert_true( lrpc_parse( buf, 0x10, &info ));
    assert_int_equal( info.status, RPC_S_PROCNUM_OUT_OF_RANGE );
    assert_false( lrpc_parse( buf, 0x0f, &info ));
    assert_false( lrpc_parse( buf, 7, &info ));
}

static void check_name( const char *endpoint, const char *expect )
{
    WCHAR name[64];
    char narrow[64];
    SIZE_T len, i;

    len = lrpc_port_name( endpoint, name, ARRAY_SIZE(name) );
    if (!expect)
    {
        assert_int_equal( len, 0 );
        return;
    }
    assert_int_equal( len, strlen( expect ));
    for (i = 0; i <= len; i++) narrow[i] = name[i];
    assert_string_equal( narrow, expect );
}

static void test_port_name(void **state)
{
    char long_name[80];

    check_name( "epmapper", "\\RPC Control\\epmapper" );
    check_name( "\\pipe\\OLE_000001140000cafe", "\\RPC Control\\pipe_OLE_000001140000cafe" );
    check_name( "", NULL );
    check_name( "\\\\", NULL );
    memset( long_name, 'a', sizeof(long_name) - 1 );
    long_name[sizeof(long_name) - 1] = 0;
    check_name( long_name, NULL );  /* does not fit 64 characters */
}

static void test_dynamic_endpoint(void **state)
{
    char name[24];
    size_t i;

    lrpc_dynamic_endpoint( name, 0x1234, 0x10002, 0xabcdef12 );
    assert_int_equal( strlen( name ), 5 + 18 );
    assert_memory_equal( name, "LRPC-", 5 );
    for (i = 5; i < 23; i++) assert_non_null( strchr( "0123456789abcdef", name[i] ));
    assert_string_equal( name, "LRPC-000012340002cdef12" );
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test( test_bind ),
        cmocka_unit_test( test_request ),
        cmocka_unit_test( test_response_fault ),
        cmocka_unit_test( test_port_name ),
        cmocka_unit_test( test_dynamic_endpoint ),
    };
    return cmocka_run_group_tests( tests, NULL, NULL );
}
