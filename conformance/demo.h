/*
 * wine-lpc ALPC demo: what the server (demo.c) and its clients
 * (demo_client.c) share
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

#ifndef WINE_LPC_DEMO_H
#define WINE_LPC_DEMO_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winternl.h>
#include <ntdef/ntlpcapi.h>

#ifndef STATUS_TIMEOUT
#define STATUS_TIMEOUT ((NTSTATUS)0x00000102)
#endif

/* Windows' PORT_MESSAGE.  With mingw-w64's headers <ntdef/ntlpcapi.h>
 * declares it; with Wine's own (winegcc, or mingw-w64 with Wine's include
 * directories) the PORT_MESSAGE of Wine 8.0's winternl.h wins, and that one
 * is 0x20 bytes on x64 instead of 0x28, so the demo brings its own. */
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
    } u3;
    ULONG MessageId;
    union
    {
        SIZE_T ClientViewSize;
        ULONG CallbackId;
    } u4;
} DEMO_PORT_MESSAGE;
#define DEMO_CLIENT_ID(h)   ((h)->u3.ClientId)
#define DEMO_CALLBACK_ID(h) ((h)->u4.CallbackId)
#else
typedef PORT_MESSAGE DEMO_PORT_MESSAGE;
#define DEMO_CLIENT_ID(h)   ((h)->ClientId)
#define DEMO_CALLBACK_ID(h) ((h)->CallbackId)
#endif

typedef char demo_port_message_size[sizeof(DEMO_PORT_MESSAGE) == (sizeof(void *) == 8 ? 0x28 : 0x18) ? 1 : -1];

#define DEMO_MSG_TYPE(h) ((h)->u2.s2.Type & 0xff)

/* every port's MaxMessageLength: a total length, header included */
#define DEMO_MAX_MESSAGE_LENGTH 0x1000

/* the connection port takes any kind of handle, several at once */
#define DEMO_PORT_FLAGS (ALPC_PORFLG_ALLOW_DUP_OBJECT | ALPC_PORFLG_ALLOW_MULTIHANDLE_ATTRIBUTE)

/* the view one client passes */
#define DEMO_VIEW_SIZE 0x100000

/* how long the server waits for the next message, and a client for anything */
#define DEMO_WAIT_MS   5000
/* after this, a process gives up on its own (see the client's watchdog) */
#define DEMO_WATCHDOG_MS 30000

/* operations */
enum demo_op
{
    OP_HELLO,   /* connection message: client number and process; the accept answers it */
    OP_GO,      /* datagram from the server: every client is connected */
    OP_TEXT,    /* datagram: text */
    OP_UPPER,   /* request: reply with the text in uppercase */
    OP_ADD,     /* request: reply with the sum of the numbers */
    OP_SIGNAL,  /* request with a handle attribute: set the event, then reply */
    OP_VIEW,    /* request with a view attribute: reply with the checksum of the view */
    OP_BYE,     /* request: the last one */
};

/* payload of every message */
struct demo_data
{
    ULONG op;
    ULONG client;   /* the sender's number, 1 to 4 */
    ULONG count;
    LONG  numbers[8];
    LONG  result;
    ULONG seed;     /* OP_VIEW: the pattern's seed */
    ULONG checksum; /* OP_VIEW: the server's checksum of the view */
    char  text[96];
};

struct demo_msg
{
    DEMO_PORT_MESSAGE h;
    struct demo_data d;
};

/* a receive buffer with room for any message the port takes */
union demo_buffer
{
    DEMO_PORT_MESSAGE h;
    struct demo_msg msg;
    BYTE raw[DEMO_MAX_MESSAGE_LENGTH];
};

/* the attribute buffer the server receives with: view, context, handle */
#define DEMO_RECV_ATTRIBUTES \
    (ALPC_MESSAGE_VIEW_ATTRIBUTE | ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_HANDLE_ATTRIBUTE)

union demo_attr_buffer
{
    ALPC_MESSAGE_ATTRIBUTES header;
    BYTE raw[256];
    void *align;
};

static char demo_side[32] = "demo";

/* one line per event; written at once, so that the lines of the processes
 * sharing the output do not mix */
static inline void say( const char *format, ... )
{
    char line[512];
    va_list args;
    int len;

    len = snprintf( line, sizeof(line), "%s: ", demo_side );
    va_start( args, format );
    vsnprintf( line + len, sizeof(line) - len - 1, format, args );
    va_end( args );
    strcat( line, "\n" );
    fputs( line, stdout );
    fflush( stdout );
}

static inline const char *demo_type_name( int type )
{
    switch (type)
    {
    case LPC_REQUEST:            return "LPC_REQUEST";
    case LPC_REPLY:              return "LPC_REPLY";
    case LPC_DATAGRAM:           return "LPC_DATAGRAM";
    case LPC_LOST_REPLY:         return "LPC_LOST_REPLY";
    case LPC_PORT_CLOSED:        return "LPC_PORT_CLOSED";
    case LPC_CLIENT_DIED:        return "LPC_CLIENT_DIED";
    case LPC_CONNECTION_REQUEST: return "LPC_CONNECTION_REQUEST";
    case LPC_CONNECTION_REPLY:   return "LPC_CONNECTION_REPLY";
    case LPC_CANCELED:           return "LPC_CANCELED";
    default:                     return "an unexpected type";
    }
}

static inline void demo_init_message( struct demo_msg *msg, ULONG op, ULONG client )
{
    memset( msg, 0, sizeof(*msg) );
    msg->h.u1.s1.DataLength = sizeof(msg->d);
    msg->h.u1.s1.TotalLength = sizeof(*msg);
    msg->d.op = op;
    msg->d.client = client;
}

static inline LARGE_INTEGER *demo_timeout( LARGE_INTEGER *timeout, DWORD ms )
{
    timeout->QuadPart = -(LONGLONG)ms * 10000;  /* relative, in 100 ns units */
    return timeout;
}

/* the attributes of the connection port, and of the client ports */
static inline void demo_port_attributes( ALPC_PORT_ATTRIBUTES *attrs )
{
    memset( attrs, 0, sizeof(*attrs) );
    attrs->Flags = DEMO_PORT_FLAGS;
    attrs->SecurityQos.Length = sizeof(attrs->SecurityQos);
    attrs->SecurityQos.ImpersonationLevel = SecurityImpersonation;
    attrs->SecurityQos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    attrs->SecurityQos.EffectiveOnly = FALSE;
    attrs->MaxMessageLength = DEMO_MAX_MESSAGE_LENGTH;
    attrs->MaxPoolUsage = ~(SIZE_T)0;
    attrs->MaxSectionSize = ~(SIZE_T)0;
    attrs->MaxViewSize = ~(SIZE_T)0;
    attrs->MaxTotalSectionSize = ~(SIZE_T)0;
    attrs->DupObjectTypes = ALPC_PORFLG_OBJECT_TYPE_ALL;
}

/* an ASCII name as a UNICODE_STRING, without the C library's wide functions
 * (Winelib's wchar_t is not WCHAR) */
static inline void demo_unicode( UNICODE_STRING *str, WCHAR *buffer, unsigned int size, const char *name )
{
    unsigned int i;

    for (i = 0; name[i] && i < size - 1; i++) buffer[i] = (unsigned char)name[i];
    buffer[i] = 0;
    str->Buffer = buffer;
    str->Length = i * sizeof(WCHAR);
    str->MaximumLength = (i + 1) * sizeof(WCHAR);
}

/* the pattern in the view and its checksum, word by word */
static inline ULONG demo_pattern( ULONG seed, SIZE_T i )
{
    return seed ^ (ULONG)(i * 2654435761u);
}

static inline ULONG demo_checksum( const void *base, SIZE_T size )
{
    const ULONG *p = base;
    ULONG sum = 2166136261u;
    SIZE_T i;

    /* FNV-1a over the words */
    for (i = 0; i < size / sizeof(ULONG); i++) sum = (sum ^ p[i]) * 16777619u;
    return sum;
}

static inline DWORD WINAPI demo_watchdog( void *arg )
{
    (void)arg;
    Sleep( DEMO_WATCHDOG_MS );
    say( "FAILED: still running after %u seconds, giving up", DEMO_WATCHDOG_MS / 1000 );
    ExitProcess( 3 );
}

static inline void demo_start_watchdog(void)
{
    HANDLE thread = CreateThread( NULL, 0, demo_watchdog, NULL, 0, NULL );
    if (thread) CloseHandle( thread );
}

int demo_client_main( int argc, char **argv );

#endif  /* WINE_LPC_DEMO_H */
