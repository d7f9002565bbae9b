/*
 * libFuzzer target: LRPC messages as rpcrt4's ncalrpc transport receives
 * them (dlls/rpcrt4/lrpc_msg.c), and the endpoint names it turns into port
 * names.  The input is one received message; it is also read as an endpoint
 * string and as the fields of messages to build and parse back.
 */

#include <stdarg.h>
#include <stddef.h>

#include "windef.h"
#include "winbase.h"
#include "rpc.h"
#include "lrpc_layout.h"

#include "fuzz.h"

static ULONG get_ulong( const uint8_t *data, size_t offset )
{
    ULONG v;
    memcpy( &v, data + offset, sizeof(v) );
    return v;
}

/* what lrpc_parse must answer, from the layout alone */
static BOOL expect_parse( const uint8_t *data, size_t size )
{
    ULONG flags;

    if (size < sizeof(LRPC_HEADER)) return FALSE;
    switch (get_ulong( data, 0 ))
    {
    case lmtBind:
        return size >= sizeof(LRPC_BIND_MESSAGE);
    case lmtRequest:
        if (size < LRPC_IMMEDIATE_REQUEST_SIZE) return FALSE;
        flags = get_ulong( data, FIELD_OFFSET(LRPC_REQUEST_MESSAGE, Flags) );
        return !(flags & LRPC_REQUEST_VIEW_PRESENT) || size >= LRPC_LARGE_REQUEST_SIZE;
    case lmtResponse:
        if (size < LRPC_IMMEDIATE_RESPONSE_SIZE) return FALSE;
        flags = get_ulong( data, FIELD_OFFSET(LRPC_RESPONSE_MESSAGE, Flags) );
        return !(flags & LRPC_RESPONSE_VIEW_PRESENT) || size >= LRPC_LARGE_RESPONSE_SIZE;
    case lmtFault:
        return size >= sizeof(LRPC_FAULT_MESSAGE);
    default:
        return TRUE;
    }
}

static void check_parse( const uint8_t *data, size_t size )
{
    struct lrpc_info info, again;
    uint8_t *copy;
    BOOL ret;

    ret = lrpc_parse( data, size, &info );
    CHECK( ret == expect_parse( data, size ));
    if (!ret) return;

    CHECK( info.type == get_ulong( data, 0 ));
    CHECK( info.header_size >= sizeof(LRPC_HEADER) );
    CHECK( info.header_size <= size );
    CHECK( info.large || (size_t)info.header_size + info.data_size <= size );
    /* a bind has no data (what follows it is ignored); otherwise the immediate data is
     * exactly what follows the header */
    if (info.type == lmtBind) CHECK( !info.data_size && !info.large );
    else if (!info.large) CHECK( (size_t)info.header_size + info.data_size == size );
    else if (info.type == lmtRequest)
    {
        CHECK( info.flags & LRPC_REQUEST_VIEW_PRESENT );
        CHECK( info.header_size == LRPC_LARGE_REQUEST_SIZE );
        CHECK( info.data_size == get_ulong( data, FIELD_OFFSET(LRPC_REQUEST_MESSAGE, LargeDataSize) ));
    }
    else
    {
        CHECK( info.type == lmtResponse );
        CHECK( info.flags & LRPC_RESPONSE_VIEW_PRESENT );
        CHECK( info.header_size == LRPC_LARGE_RESPONSE_SIZE );
        CHECK( info.data_size == get_ulong( data, FIELD_OFFSET(LRPC_RESPONSE_MESSAGE, LargeDataSize) ));
    }
    switch (info.type)
    {
    case lmtBind:
        CHECK( info.header_size == sizeof(LRPC_BIND_MESSAGE) );
        CHECK( info.status == get_ulong( data, FIELD_OFFSET(LRPC_BIND_MESSAGE, RpcStatus) ));
        CHECK( info.binding_id == (USHORT)get_ulong( data, FIELD_OFFSET(LRPC_BIND_MESSAGE,
                                                                         DceNdrSyntaxIdentifier) ));
        break;
    case lmtRequest:
        CHECK( info.flags == get_ulong( data, FIELD_OFFSET(LRPC_REQUEST_MESSAGE, Flags) ));
        CHECK( info.call_id == get_ulong( data, FIELD_OFFSET(LRPC_REQUEST_MESSAGE, CallId) ));
        CHECK( info.binding_id == get_ulong( data, FIELD_OFFSET(LRPC_REQUEST_MESSAGE, BindingId) ));
        CHECK( info.proc_num == get_ulong( data, FIELD_OFFSET(LRPC_REQUEST_MESSAGE, ProcNum) ));
        break;
    case lmtResponse:
        CHECK( info.flags == get_ulong( data, FIELD_OFFSET(LRPC_RESPONSE_MESSAGE, Flags) ));
        CHECK( info.call_id == get_ulong( data, FIELD_OFFSET(LRPC_RESPONSE_MESSAGE, CallId) ));
        break;
    case lmtFault:
        CHECK( info.header_size == sizeof(LRPC_FAULT_MESSAGE) );
        CHECK( info.status == get_ulong( data, FIELD_OFFSET(LRPC_FAULT_MESSAGE, RpcStatus) ));
        break;
    default:
        CHECK( info.header_size == sizeof(LRPC_HEADER) );
        break;
    }
    /* the object UUID is the request's own, inside the message */
    if (info.object)
    {
        CHECK( info.type == lmtRequest && (info.flags & LRPC_REQUEST_OBJECT_UUID) );
        CHECK( fuzz_inside( info.object, sizeof(GUID), data, size ));
        CHECK( (const uint8_t *)info.object == data + FIELD_OFFSET(LRPC_REQUEST_MESSAGE, ObjectUuid) );
    }
    else CHECK( info.type != lmtRequest || !(info.flags & LRPC_REQUEST_OBJECT_UUID) );

    /* the same bytes elsewhere give the same answer */
    copy = malloc( size );
    memcpy( copy, data, size );
    CHECK( lrpc_parse( copy, size, &again ));
    if (again.object) again.object = (const GUID *)(data + ((const uint8_t *)again.object - copy));
    CHECK( !memcmp( &info, &again, sizeof(info) ));
    free( copy );
}

/* a message built by lrpc_init_* parses back to what was put in */
static void check_round_trip( struct fuzz_input *in )
{
    union
    {
        LRPC_BIND_MESSAGE bind;
        LRPC_REQUEST_MESSAGE req;
        LRPC_RESPONSE_MESSAGE resp;
        LRPC_FAULT_MESSAGE fault;
        uint8_t bytes[sizeof(LRPC_REQUEST_MESSAGE) + LRPC_MAX_IMMEDIATE_DATA];
    } *msg = malloc( sizeof(*msg) );
    RPC_SYNTAX_IDENTIFIER iface;
    struct lrpc_info info;
    GUID object;
    ULONG type = fuzz_u8( in ) % 4, call_id = fuzz_u32( in ), binding_id = fuzz_u32( in );
    ULONG proc_num = fuzz_u32( in ), data_size = fuzz_u32( in ), status = fuzz_u32( in );
    BOOL with_object = fuzz_u8( in ) & 1;
    ULONG size, total;

    memset( &iface, 0, sizeof(iface) );
    memset( &object, 0, sizeof(object) );
    memcpy( &iface, in->data, min( in->size, sizeof(iface) ));
    memcpy( &object, in->data, min( in->size, sizeof(object) ));
    /* either side of the immediate limit, or anything */
    if (data_size & 0x80000000) data_size = LRPC_MAX_IMMEDIATE_DATA - 8 + (data_size & 0xf);

    switch (type)
    {
    case 0:
        size = lrpc_init_bind( &msg->bind, &iface, binding_id );
        CHECK( size == sizeof(LRPC_BIND_MESSAGE) );
        msg->bind.RpcStatus = status;
        CHECK( lrpc_parse( msg, size, &info ));
        CHECK( info.type == lmtBind && info.status == status && info.binding_id == (USHORT)binding_id );
        CHECK( !memcmp( &msg->bind.Interface, &iface, sizeof(iface) ));
        CHECK( !lrpc_parse( msg, size - 1, &info ));
        break;
    case 1:
        size = lrpc_init_request( &msg->req, call_id, binding_id, proc_num, with_object ? &object : NULL,
                                  data_size );
        total = data_size > LRPC_MAX_IMMEDIATE_DATA ? size : size + data_size;
        CHECK( total <= sizeof(msg->bytes) );
        CHECK( lrpc_parse( msg, total, &info ));
        CHECK( info.type == lmtRequest && info.call_id == call_id && info.binding_id == binding_id );
        CHECK( info.proc_num == proc_num && info.data_size == data_size && info.header_size == size );
        CHECK( info.large == (data_size > LRPC_MAX_IMMEDIATE_DATA) );
        CHECK( with_object ? info.object && !memcmp( info.object, &object, sizeof(object) ) : !info.object );
        CHECK( !lrpc_parse( msg, size - 1, &info ));
        break;
    case 2:
        size = lrpc_init_response( &msg->resp, call_id, data_size );
        total = data_size > LRPC_MAX_IMMEDIATE_DATA ? size : size + data_size;
        CHECK( total <= sizeof(msg->bytes) );
        CHECK( lrpc_parse( msg, total, &info ));
        CHECK( info.type == lmtResponse && info.call_id == call_id && info.data_size == data_size );
        CHECK( info.header_size == size && info.large == (data_size > LRPC_MAX_IMMEDIATE_DATA) );
        CHECK( !lrpc_parse( msg, size - 1, &info ));
        break;
    case 3:
        size = lrpc_init_fault( &msg->fault, status );
        CHECK( lrpc_parse( msg, size, &info ));
        CHECK( info.type == lmtFault && info.status == status && !info.data_size );
        CHECK( !lrpc_parse( msg, size - 1, &info ));
        break;
    }
    free( msg );
}

/* an endpoint name, as a binding string or a server's registration gives it */
static void check_port_name( const uint8_t *data, size_t size )
{
    static const char prefix[] = LRPC_PORT_DIRECTORY;
    const SIZE_T prefix_len = sizeof(prefix) - 1;
    char *endpoint = malloc( size + 1 );
    const char *stripped;
    SIZE_T counts[5], needed, len, i, j;

    memcpy( endpoint, data, size );
    endpoint[size] = 0;
    for (stripped = endpoint; *stripped == '\\'; stripped++) ;
    needed = prefix_len + strlen( stripped ) + 1;
    counts[0] = 0;
    counts[1] = needed - 1;
    counts[2] = needed;
    counts[3] = needed + 1;
    counts[4] = MAX_PATH;

    for (i = 0; i < ARRAY_SIZE(counts); i++)
    {
        /* exactly count characters, so that a write past them is caught */
        WCHAR *name = malloc( max( counts[i], 1 ) * sizeof(WCHAR) );

        len = lrpc_port_name( endpoint, name, counts[i] );
        if (!*stripped || needed > counts[i]) CHECK( len == 0 );
        else
        {
            CHECK( len == needed - 1 );
            CHECK( name[len] == 0 );
            for (j = 0; j < prefix_len; j++) CHECK( name[j] == (unsigned char)prefix[j] );
            /* no backslash past the directory: the name is one object in it */
            for (j = prefix_len; j < len; j++)
            {
                CHECK( name[j] && name[j] != '\\' );
                CHECK( name[j] == (stripped[j - prefix_len] == '\\' ? '_'
                                   : (unsigned char)stripped[j - prefix_len]) );
            }
        }
        free( name );
    }
    free( endpoint );
}

int LLVMFuzzerTestOneInput( const uint8_t *data, size_t size )
{
    struct fuzz_input in = { data, size };

    /* rpc_alpc.c parses at most the data of one port message */
    if (size > 0x10000) return 0;
    check_parse( data, size );
    check_port_name( data, size );
    check_round_trip( &in );
    return 0;
}
