/*
 * wine-lpc stress: many client processes against one LPC or ALPC server
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
 * "stress server lpc|alpc [options]" creates a port, serves it with a few
 * threads and starts client processes ("stress client ..."), each of which
 * connects and then sends, in bursts, its datagrams and its synchronous
 * requests.  Every message carries its client's id, a sequence number, the
 * length of a payload and the payload's checksum; the payload's length and
 * bytes are derived from (client, sequence, kind), so the receiver can
 * check every byte.  A reply carries the request's id and sequence number
 * and the request's payload inverted.
 *
 * The server counts, per client, every request and datagram it receives:
 * one seen twice is duplicated, one not seen at the end lost, one whose
 * client id or sender is not the connection's it came through misrouted, and
 * one whose length, checksum or bytes are wrong corrupt.  The clients count
 * the same for their replies and report it in a last request.  The server
 * prints the sums as one line, "STRESS {json}", and anything wrong as
 * "STRESS-ERROR" lines; its exit code is 0 only if all is well.
 *
 * With --kill-every N, the last --victims clients are killed: whenever N
 * messages arrived since the last kill, the server terminates the oldest
 * live victim and starts a replacement under a new id.  Each killed victim's
 * connection must report LPC_PORT_CLOSED or LPC_CLIENT_DIED; what a victim
 * sent is still checked, but nothing it sent counts as lost.
 *
 * Built with plain mingw-w64 headers and <ntdef/ntlpcapi.h>.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winternl.h>
#include <ntdef/ntlpcapi.h>

#ifndef STATUS_IO_TIMEOUT
#define STATUS_IO_TIMEOUT ((NTSTATUS)0xc00000b5)
#endif
#ifndef STATUS_TIMEOUT
#define STATUS_TIMEOUT ((NTSTATUS)0x00000102)
#endif

#define MSG_TYPE(h)      ((h)->u2.s2.Type & 0xff)
#define LPC_MAX_MESSAGE  0x288      /* the most NtCreatePort takes on x64, header included */
#define LPC_MAX_INFO     0x100
#define ALPC_MAX_MESSAGE 0x4000
#define STRESS_MAGIC     0x53525453 /* "STRS" */
#define MAX_THREADS      8
#define MAX_IDS          8192
#define CONTROL_ID       0xffffffff /* the server's own connection, to stop its threads */
#define MAX_REPORTS      20         /* STRESS-ERROR lines per process */

enum kind { KIND_HELLO = 1, KIND_REQUEST, KIND_DATAGRAM, KIND_REPLY, KIND_DONE, KIND_QUIT };

/* what every message's data starts with */
struct stress_hdr
{
    ULONG magic;
    ULONG kind;
    ULONG client;
    ULONG seq;
    ULONG len;       /* payload bytes after this header */
    ULONG sum;       /* FNV-1a of the payload */
    ULONG count[4];  /* KIND_DONE: the client's lost, duplicated, misrouted and corrupt replies */
};

union stress_msg
{
    PORT_MESSAGE h;
    struct
    {
        PORT_MESSAGE h;
        struct stress_hdr s;
    } m;
    BYTE raw[ALPC_MAX_MESSAGE];
};

#define HDR(msg)     (&(msg)->m.s)
#define PAYLOAD(msg) ((msg)->raw + sizeof(PORT_MESSAGE) + sizeof(struct stress_hdr))
#define LPC_MAX_PAYLOAD (LPC_MAX_MESSAGE - sizeof(PORT_MESSAGE) - sizeof(struct stress_hdr))

enum count { LOST, DUPLICATED, MISROUTED, CORRUPT, NB_COUNTS };
static const char * const count_names[NB_COUNTS] = { "lost", "duplicated", "misrouted", "corrupt" };

static BOOL use_alpc;
static char side[32] = "stress";
static volatile LONG reports;

static void report( const char *format, ... )
{
    char line[1024];
    va_list args;
    int len;

    if (InterlockedIncrement( &reports ) > MAX_REPORTS) return;
    len = snprintf( line, sizeof(line), "STRESS-ERROR %s: ", side );
    va_start( args, format );
    vsnprintf( line + len, sizeof(line) - len - 1, format, args );
    va_end( args );
    strcat( line, "\n" );
    fputs( line, stdout );
    fflush( stdout );
}

static void __attribute__((noreturn)) fail( const char *format, ... )
{
    char line[1024];
    va_list args;

    va_start( args, format );
    vsnprintf( line, sizeof(line), format, args );
    va_end( args );
    reports = 0;
    report( "%s", line );
    ExitProcess( 1 );
}

/***********************************************************************
 * Payloads: their length and bytes follow from (client, sequence, kind)
 */

static ULONG mix( ULONG a, ULONG b, ULONG c )
{
    ULONG h = a * 0x9e3779b1 ^ b * 0x85ebca6b ^ c * 0xc2b2ae35;

    h ^= h >> 16;
    h *= 0x7feb352d;
    h ^= h >> 15;
    h *= 0x846ca68b;
    h ^= h >> 16;
    return h;
}

/* ALPC: mostly small messages, one in 16 above what the fast path hands over (3968 bytes) */
static ULONG payload_len( ULONG client, ULONG seq, ULONG kind )
{
    ULONG h = mix( client, seq, kind + 77 );

    if (!use_alpc) return h % (LPC_MAX_PAYLOAD + 1);
    if (!(h & 15)) return 3900 + (h >> 4) % 4201;
    return (h >> 4) % 601;
}

static void fill_payload( BYTE *p, ULONG len, ULONG client, ULONG seq, ULONG kind )
{
    ULONG i, x = mix( client, seq, kind ) | 1;

    for (i = 0; i < len; i++)
    {
        if (!(i & 3))
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
        }
        p[i] = x >> (8 * (i & 3));
    }
}

static ULONG checksum( const BYTE *p, ULONG len )
{
    ULONG i, h = 0x811c9dc5;

    for (i = 0; i < len; i++) h = (h ^ p[i]) * 0x01000193;
    return h;
}

static void init_msg( union stress_msg *msg, ULONG kind, ULONG client, ULONG seq )
{
    ULONG len = (kind == KIND_REQUEST || kind == KIND_DATAGRAM) ? payload_len( client, seq, kind ) : 0;

    memset( &msg->m, 0, sizeof(msg->m) );
    msg->h.u1.s1.DataLength = sizeof(struct stress_hdr) + len;
    msg->h.u1.s1.TotalLength = sizeof(PORT_MESSAGE) + sizeof(struct stress_hdr) + len;
    HDR( msg )->magic = STRESS_MAGIC;
    HDR( msg )->kind = kind;
    HDR( msg )->client = client;
    HDR( msg )->seq = seq;
    HDR( msg )->len = len;
    fill_payload( PAYLOAD( msg ), len, client, seq, kind );
    HDR( msg )->sum = checksum( PAYLOAD( msg ), len );
}

/* whether a message's header, length and checksum agree; the bytes are checked by the caller */
static BOOL well_formed( const union stress_msg *msg )
{
    const struct stress_hdr *hdr = &msg->m.s;
    ULONG data = (USHORT)msg->h.u1.s1.DataLength;

    return data >= sizeof(*hdr) && hdr->magic == STRESS_MAGIC && hdr->len == data - sizeof(*hdr) &&
           hdr->sum == checksum( (const BYTE *)(hdr + 1), hdr->len );
}

/* whether a request or datagram has exactly the payload its client, sequence and kind give */
static BOOL payload_is_right( const union stress_msg *msg, BYTE *scratch )
{
    const struct stress_hdr *hdr = &msg->m.s;

    if (hdr->len != payload_len( hdr->client, hdr->seq, hdr->kind )) return FALSE;
    fill_payload( scratch, hdr->len, hdr->client, hdr->seq, hdr->kind );
    return !memcmp( scratch, hdr + 1, hdr->len );
}

static void make_unicode( UNICODE_STRING *str, WCHAR *buffer, unsigned int size, const char *name )
{
    unsigned int i;

    for (i = 0; name[i] && i < size - 1; i++) buffer[i] = (unsigned char)name[i];
    buffer[i] = 0;
    str->Buffer = buffer;
    str->Length = i * sizeof(WCHAR);
    str->MaximumLength = (i + 1) * sizeof(WCHAR);
}

static LARGE_INTEGER *rel_timeout( LARGE_INTEGER *timeout, DWORD ms )
{
    timeout->QuadPart = -(LONGLONG)ms * 10000;
    return timeout;
}

static void alpc_port_attributes( ALPC_PORT_ATTRIBUTES *attrs )
{
    memset( attrs, 0, sizeof(*attrs) );
    attrs->SecurityQos.Length = sizeof(attrs->SecurityQos);
    attrs->SecurityQos.ImpersonationLevel = SecurityImpersonation;
    attrs->SecurityQos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
    attrs->MaxMessageLength = ALPC_MAX_MESSAGE;
    attrs->MaxPoolUsage = ~(SIZE_T)0;
    attrs->MaxSectionSize = ~(SIZE_T)0;
    attrs->MaxViewSize = ~(SIZE_T)0;
    attrs->MaxTotalSectionSize = ~(SIZE_T)0;
}

/***********************************************************************
 * Connecting and sending, for both kinds of port
 */

static HANDLE connect_port( const char *name, ULONG id )
{
    union stress_msg *msg = malloc( sizeof(*msg) );
    SECURITY_QUALITY_OF_SERVICE qos;
    ALPC_PORT_ATTRIBUTES attrs;
    LARGE_INTEGER timeout;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    NTSTATUS status;
    ULONG max_len = 0, info_len;
    SIZE_T len;

    if (!msg) fail( "out of memory" );
    make_unicode( &str, buffer, MAX_PATH, name );
    init_msg( msg, KIND_HELLO, id, 0 );
    if (use_alpc)
    {
        alpc_port_attributes( &attrs );
        len = sizeof(*msg);
        status = NtAlpcConnectPort( &port, &str, NULL, &attrs, ALPC_SYNC_CONNECTION, NULL, &msg->h, &len,
                                    NULL, NULL, rel_timeout( &timeout, 120000 ) );
    }
    else
    {
        /* the connection information is the hello header */
        memset( &qos, 0, sizeof(qos) );
        qos.Length = sizeof(qos);
        qos.ImpersonationLevel = SecurityImpersonation;
        qos.ContextTrackingMode = SECURITY_STATIC_TRACKING;
        info_len = sizeof(struct stress_hdr);
        status = NtConnectPort( &port, &str, &qos, NULL, NULL, &max_len, HDR( msg ), &info_len );
    }
    if (status) fail( "connecting as %u -> %#x", (unsigned)id, (unsigned)status );
    free( msg );
    return port;
}

static NTSTATUS send_datagram( HANDLE port, union stress_msg *msg )
{
    if (use_alpc) return NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_RELEASE_MESSAGE, &msg->h, NULL, NULL, NULL,
                                                    NULL, NULL );
    return NtRequestPort( port, &msg->h );
}

static NTSTATUS send_request( HANDLE port, union stress_msg *msg, union stress_msg *reply )
{
    LARGE_INTEGER timeout;
    SIZE_T len = sizeof(*reply);
    NTSTATUS status;

    if (!use_alpc) return NtRequestWaitReplyPort( port, &msg->h, &reply->h );
    status = NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, &msg->h, NULL, &reply->h, &len, NULL,
                                        rel_timeout( &timeout, 120000 ) );
    return status == STATUS_TIMEOUT ? STATUS_IO_TIMEOUT : status;
}

/***********************************************************************
 * The client
 */

static ULONG client_counts[NB_COUNTS];

/* checks the reply to request `seq` */
static void check_reply( ULONG id, ULONG seq, const union stress_msg *req, const union stress_msg *reply )
{
    const struct stress_hdr *hdr = &reply->m.s;
    const BYTE *got = (const BYTE *)(hdr + 1), *sent = PAYLOAD( req );
    ULONG i;

    if (MSG_TYPE( &reply->h ) != LPC_REPLY || !well_formed( reply ) || hdr->kind != KIND_REPLY)
    {
        client_counts[CORRUPT]++;
        report( "reply to request %u: type %#x, %u bytes, kind %u", (unsigned)seq, (unsigned)reply->h.u2.s2.Type,
                (unsigned)(USHORT)reply->h.u1.s1.DataLength, (unsigned)hdr->kind );
        return;
    }
    if (hdr->client != id)
    {
        client_counts[MISROUTED]++;
        report( "reply to request %u is client %u's (its %u)", (unsigned)seq, (unsigned)hdr->client, (unsigned)hdr->seq );
        return;
    }
    if (hdr->seq != seq)
    {
        client_counts[hdr->seq < seq ? DUPLICATED : MISROUTED]++;
        report( "reply to request %u is the reply to %u", (unsigned)seq, (unsigned)hdr->seq );
        return;
    }
    for (i = 0; i < hdr->len; i++) if (got[i] != (BYTE)~sent[i]) break;
    if (hdr->len != HDR( req )->len || i < hdr->len)
    {
        client_counts[CORRUPT]++;
        report( "reply to request %u: %u bytes for %u, first difference at %u", (unsigned)seq, (unsigned)hdr->len,
                (unsigned)HDR( req )->len, (unsigned)i );
    }
}

/* --inject: one fault of each kind, for the self-test of these checks */
static void inject_faults( HANDLE port, ULONG id, ULONG seq, union stress_msg *msg )
{
    NTSTATUS status = 0;

    /* a sent ALPC message has its MessageId: start from a new one each time */
    if (id == 0 && seq == 1)
    {
        /* the same datagram twice */
        init_msg( msg, KIND_DATAGRAM, id, seq );
        status = send_datagram( port, msg );
    }
    if (id == 1 && seq == 2)
    {
        /* a datagram that says it is client 0's */
        init_msg( msg, KIND_DATAGRAM, 0, 2 );
        status = send_datagram( port, msg );
    }
    if (id == 2 && seq == 3)
    {
        /* a datagram with a byte changed, and a checksum that matches it */
        init_msg( msg, KIND_DATAGRAM, id, seq );
        if (HDR( msg )->len) PAYLOAD( msg )[HDR( msg )->len / 2] ^= 0x10;
        else HDR( msg )->kind = KIND_REPLY;
        HDR( msg )->sum = checksum( PAYLOAD( msg ), HDR( msg )->len );
        status = send_datagram( port, msg );
    }
    if (status) fail( "injecting a fault -> %#x", (unsigned)status );
}

static int run_client( const char *name, ULONG id, ULONG requests, ULONG datagrams, ULONG burst, BOOL inject )
{
    union stress_msg *msg = malloc( sizeof(*msg) ), *reply = malloc( sizeof(*reply) );
    ULONG rseq = 0, dseq = 0, i;
    NTSTATUS status;
    HANDLE port;

    snprintf( side, sizeof(side), "client %u", (unsigned)id );
    if (!msg || !reply) fail( "out of memory" );
    port = connect_port( name, id );
    /* LPC: half the clients also have their thread's end reported (LPC_CLIENT_DIED) */
    if (!use_alpc && (id & 1) && (status = NtRegisterThreadTerminatePort( port )))
        fail( "NtRegisterThreadTerminatePort -> %#x", (unsigned)status );

    while (rseq < requests || dseq < datagrams)
    {
        for (i = 0; i < burst && dseq < datagrams; i++)
        {
            init_msg( msg, KIND_DATAGRAM, id, ++dseq );
            if (inject && id == 3 && dseq == 4) continue;  /* a datagram never sent */
            if ((status = send_datagram( port, msg )))
            {
                client_counts[LOST]++;
                report( "datagram %u -> %#x", (unsigned)dseq, (unsigned)status );
            }
            if (inject) inject_faults( port, id, dseq, msg );
        }
        for (i = 0; i < burst && rseq < requests; i++)
        {
            init_msg( msg, KIND_REQUEST, id, ++rseq );
            memset( reply, 0, sizeof(PORT_MESSAGE) + sizeof(struct stress_hdr) );
            if ((status = send_request( port, msg, reply )))
            {
                client_counts[LOST]++;
                report( "request %u -> %#x", (unsigned)rseq, (unsigned)status );
            }
            else check_reply( id, rseq, msg, reply );
        }
    }

    /* the last request reports the client's counts; ALPC drops what is queued at close, so it comes last */
    init_msg( msg, KIND_DONE, id, 0 );
    memcpy( HDR( msg )->count, client_counts, sizeof(client_counts) );
    if ((status = send_request( port, msg, reply ))) fail( "the last request -> %#x", (unsigned)status );
    if (use_alpc) NtAlpcDisconnectPort( port, 0 );
    NtClose( port );
    free( msg );
    free( reply );
    return 0;
}

/***********************************************************************
 * The server
 */

struct slot
{
    ULONG id;
    BOOL victim;
    HANDLE process;
    DWORD pid;
    HANDLE comm;               /* the server's port of the connection */
    volatile LONG connected;
    volatile LONG closed;      /* LPC_PORT_CLOSED or LPC_CLIENT_DIED seen */
    volatile LONG port_closed, died;
    volatile LONG done;        /* its last request seen */
    volatile LONG killed;
    volatile LONG requests, datagrams;
    volatile LONG *seen;       /* a bit per request, then a bit per datagram */
};

static struct slot *slots[MAX_IDS];
static struct slot control;
static HANDLE server_port;
static char port_name[MAX_PATH];
static ULONG nb_requests, nb_datagrams, burst = 8, nb_slots;
static BOOL inject;
static volatile LONG counts[NB_COUNTS], received, canceled, client_died, port_closed, threads_running;

static void count( struct slot *slot, enum count what, const char *format, ... )
{
    char text[512];
    va_list args;

    InterlockedIncrement( &counts[what] );
    va_start( args, format );
    vsnprintf( text, sizeof(text), format, args );
    va_end( args );
    report( "%s (client %d%s): %s", count_names[what], slot ? (int)slot->id : -1,
            slot && slot->victim ? ", a victim" : "", text );
}

static struct slot *new_slot( BOOL victim )
{
    struct slot *slot = calloc( 1, sizeof(*slot) );

    if (nb_slots >= MAX_IDS) fail( "more than %u clients", MAX_IDS );
    if (!slot || !(slot->seen = calloc( (nb_requests + nb_datagrams) / 32 + 2, sizeof(LONG) )))
        fail( "out of memory" );
    slot->id = nb_slots;
    slot->victim = victim;
    slots[nb_slots++] = slot;
    return slot;
}

static void start_slot( struct slot *slot )
{
    char exe[MAX_PATH], cmdline[3 * MAX_PATH];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;

    if (!GetModuleFileNameA( NULL, exe, sizeof(exe) )) fail( "GetModuleFileName, error %u", (unsigned)GetLastError() );
    snprintf( cmdline, sizeof(cmdline), "\"%s\" client %s \"%s\" %u %u %u %u %u", exe, use_alpc ? "alpc" : "lpc",
              port_name, (unsigned)slot->id, (unsigned)nb_requests, (unsigned)nb_datagrams, (unsigned)burst, inject );
    memset( &si, 0, sizeof(si) );
    si.cb = sizeof(si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle( STD_INPUT_HANDLE );
    si.hStdOutput = GetStdHandle( STD_OUTPUT_HANDLE );
    si.hStdError = GetStdHandle( STD_ERROR_HANDLE );
    if (!CreateProcessA( exe, cmdline, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi ))
        fail( "CreateProcess(%s), error %u", cmdline, (unsigned)GetLastError() );
    CloseHandle( pi.hThread );
    slot->process = pi.hProcess;
    slot->pid = pi.dwProcessId;
}

static struct slot *find_slot( ULONG id )
{
    if (id == CONTROL_ID) return &control;
    return id < nb_slots ? slots[id] : NULL;
}

/* a connection request: its data is the hello header (LPC: the connection information) */
static void accept_connection( union stress_msg *msg, union stress_msg *answer )
{
    const struct stress_hdr *hdr = &msg->m.s;
    ALPC_PORT_ATTRIBUTES attrs;
    struct slot *slot = NULL;
    HANDLE comm = NULL;
    NTSTATUS status;

    if ((USHORT)msg->h.u1.s1.DataLength < sizeof(*hdr) || hdr->magic != STRESS_MAGIC || hdr->kind != KIND_HELLO ||
        !(slot = find_slot( hdr->client )))
        count( NULL, CORRUPT, "a connection request of %u bytes", (unsigned)(USHORT)msg->h.u1.s1.DataLength );
    else if (slot->connected)
    {
        count( slot, DUPLICATED, "a second connection request" );
        slot = NULL;
    }
    else if (slot != &control && (DWORD)(ULONG_PTR)msg->h.ClientId.UniqueProcess != slot->pid)
    {
        count( slot, MISROUTED, "a connection request from process %04x", (unsigned)(ULONG_PTR)msg->h.ClientId.UniqueProcess );
        slot = NULL;
    }

    if (use_alpc)
    {
        memcpy( answer, msg, sizeof(PORT_MESSAGE) + sizeof(*hdr) );
        alpc_port_attributes( &attrs );
        status = NtAlpcAcceptConnectPort( &comm, server_port, 0, NULL, &attrs, slot, &answer->h, NULL, slot != NULL );
    }
    else
    {
        status = NtAcceptConnectPort( &comm, slot, &msg->h, slot != NULL, NULL, NULL );
        if (!status && slot) status = NtCompleteConnectPort( comm );
    }
    if (!slot) return;
    if (status) fail( "accepting client %u -> %#x", (unsigned)slot->id, (unsigned)status );
    slot->comm = comm;
    InterlockedExchange( &slot->connected, 1 );
}

/* a request or datagram from the connection of `slot`: counts it, and for a
 * request writes the reply; returns FALSE for the server's own stop message */
static BOOL check_message( struct slot *slot, union stress_msg *msg, union stress_msg *reply, BYTE *scratch )
{
    const struct stress_hdr *hdr = &msg->m.s;
    ULONG kind = MSG_TYPE( &msg->h ) == LPC_REQUEST ? KIND_REQUEST : KIND_DATAGRAM, bit, i;
    LONG old;

    if (slot != &control) InterlockedIncrement( &received );
    if (!well_formed( msg ))
    {
        count( slot, CORRUPT, "message type %#x of %u bytes, length %u, checksum %08x", MSG_TYPE( &msg->h ),
               (unsigned)(USHORT)msg->h.u1.s1.DataLength, (unsigned)hdr->len, (unsigned)hdr->sum );
        return TRUE;
    }
    if (slot == &control)
    {
        if (hdr->kind == KIND_QUIT) return FALSE;
        count( slot, MISROUTED, "client %u's message (kind %u) through the server's own connection",
               (unsigned)hdr->client, (unsigned)hdr->kind );
        return TRUE;
    }
    if (hdr->client != slot->id)
    {
        count( slot, MISROUTED, "client %u's message %u (kind %u) through this connection", (unsigned)hdr->client,
               (unsigned)hdr->seq, (unsigned)hdr->kind );
        return TRUE;
    }
    if ((DWORD)(ULONG_PTR)msg->h.ClientId.UniqueProcess != slot->pid)
    {
        count( slot, MISROUTED, "message %u (kind %u) sent by process %04x, the client is %04x", (unsigned)hdr->seq,
               (unsigned)hdr->kind, (unsigned)(ULONG_PTR)msg->h.ClientId.UniqueProcess, (unsigned)slot->pid );
        return TRUE;
    }

    if (hdr->kind == KIND_DONE && kind == KIND_REQUEST)
    {
        if (InterlockedExchange( &slot->done, 1 )) count( slot, DUPLICATED, "its last request" );
        for (i = 0; i < NB_COUNTS; i++)
        {
            if (!hdr->count[i]) continue;
            InterlockedExchangeAdd( &counts[i], hdr->count[i] );
            report( "client %u counted %u %s replies", (unsigned)slot->id, (unsigned)hdr->count[i], count_names[i] );
        }
    }
    else if (hdr->kind != kind || !hdr->seq || hdr->seq > (kind == KIND_REQUEST ? nb_requests : nb_datagrams) ||
             !payload_is_right( msg, scratch ))
    {
        count( slot, CORRUPT, "message type %#x kind %u sequence %u, %u bytes of payload not as sent",
               MSG_TYPE( &msg->h ), (unsigned)hdr->kind, (unsigned)hdr->seq, (unsigned)hdr->len );
    }
    else
    {
        bit = (kind == KIND_REQUEST ? 0 : nb_requests) + hdr->seq - 1;
        old = InterlockedOr( &slot->seen[bit / 32], 1u << (bit % 32) );
        if (old & (1u << (bit % 32)))
            count( slot, DUPLICATED, "%s %u", kind == KIND_REQUEST ? "request" : "datagram", (unsigned)hdr->seq );
        else InterlockedIncrement( kind == KIND_REQUEST ? &slot->requests : &slot->datagrams );
    }

    if (kind == KIND_REQUEST)
    {
        /* the reply: the same ids, the request's payload inverted */
        const BYTE *src = (const BYTE *)(hdr + 1);
        ULONG len = hdr->len <= sizeof(*reply) - sizeof(reply->m) ? hdr->len : 0;

        reply->h = msg->h;
        reply->h.u2.ZeroInit = 0;
        reply->h.u1.s1.DataLength = sizeof(struct stress_hdr) + len;
        reply->h.u1.s1.TotalLength = sizeof(PORT_MESSAGE) + sizeof(struct stress_hdr) + len;
        *HDR( reply ) = *hdr;
        HDR( reply )->kind = KIND_REPLY;
        HDR( reply )->len = len;
        for (i = 0; i < len; i++) PAYLOAD( reply )[i] = ~src[i];
        /* --inject: a reply with a byte changed (or its kind, if it has no payload) */
        if (inject && slot->id == 4 && hdr->seq == 5 && hdr->kind == KIND_REQUEST)
        {
            if (len) PAYLOAD( reply )[len / 2] ^= 0x10;
            else HDR( reply )->kind = KIND_DATAGRAM;
        }
        HDR( reply )->sum = checksum( PAYLOAD( reply ), len );
    }
    return TRUE;
}

/* a connection's end: LPC_PORT_CLOSED or LPC_CLIENT_DIED */
static void connection_closed( struct slot *slot, const union stress_msg *msg )
{
    if (!slot)
    {
        count( NULL, MISROUTED, "type %#x without a port context", MSG_TYPE( &msg->h ) );
        return;
    }
    if (slot == &control) return;
    /* LPC: a client whose thread registered its port says both, each once */
    if (MSG_TYPE( &msg->h ) == LPC_CLIENT_DIED)
    {
        InterlockedIncrement( &client_died );
        if (InterlockedExchange( &slot->died, 1 )) count( slot, DUPLICATED, "a second LPC_CLIENT_DIED" );
    }
    else
    {
        InterlockedIncrement( &port_closed );
        if (InterlockedExchange( &slot->port_closed, 1 )) count( slot, DUPLICATED, "a second LPC_PORT_CLOSED" );
    }
    InterlockedExchange( &slot->closed, 1 );
}

static DWORD WINAPI serve_thread( void *arg )
{
    union stress_msg *msg = malloc( sizeof(*msg) ), *reply = malloc( sizeof(*reply) );
    BYTE *scratch = malloc( sizeof(*msg) );
    union { ALPC_MESSAGE_ATTRIBUTES header; BYTE raw[128]; void *align; } attr_buffer;
    ALPC_MESSAGE_ATTRIBUTES *attrs = &attr_buffer.header;
    ALPC_CONTEXT_ATTR *context_attr;
    PORT_MESSAGE *pending = NULL;
    struct slot *slot, *pending_slot = NULL;
    SIZE_T len, needed;
    NTSTATUS status;
    void *context;
    int errors = 0;

    (void)arg;
    if (!msg || !reply || !scratch) fail( "out of memory" );
    if ((status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_CONTEXT_ATTRIBUTE, attrs, sizeof(attr_buffer),
                                                  &needed )))
        fail( "AlpcInitializeMessageAttribute -> %#x", (unsigned)status );
    context_attr = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_CONTEXT_ATTRIBUTE );

    for (;;)
    {
        context = NULL;
        if (use_alpc)
        {
            len = sizeof(*msg);
            attrs->ValidAttributes = 0;
            status = NtAlpcSendWaitReceivePort( server_port, pending ? ALPC_MSGFLG_RELEASE_MESSAGE : 0, pending,
                                                NULL, &msg->h, &len, attrs, NULL );
            if (!status && (attrs->ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE))
                context = context_attr->PortContext;
        }
        else status = NtReplyWaitReceivePort( server_port, &context, pending, &msg->h );

        if (status && pending)
        {
            /* the reply failed: its client was killed, or it is lost */
            if (!pending_slot->victim)
                count( pending_slot, LOST, "the reply to request %u -> %#x", (unsigned)HDR( reply )->seq,
                       (unsigned)status );
            pending = NULL;
            continue;
        }
        pending = NULL;
        if (status)
        {
            report( "receiving -> %#x", (unsigned)status );
            if (++errors > 100) fail( "receiving failed 100 times" );
            continue;
        }
        slot = context;

        switch (MSG_TYPE( &msg->h ))
        {
        case LPC_CONNECTION_REQUEST:
            accept_connection( msg, reply );
            break;
        case LPC_REQUEST:
        case LPC_DATAGRAM:
            if (!slot)
            {
                count( NULL, MISROUTED, "type %#x without a port context", MSG_TYPE( &msg->h ) );
                break;
            }
            if (!check_message( slot, msg, reply, scratch ))
            {
                InterlockedDecrement( &threads_running );
                return 0;
            }
            if (MSG_TYPE( &msg->h ) == LPC_REQUEST)
            {
                pending = &reply->h;
                pending_slot = slot;
            }
            break;
        case LPC_PORT_CLOSED:
        case LPC_CLIENT_DIED:
            connection_closed( slot, msg );
            break;
        case LPC_CANCELED:
            /* ALPC: what a client left queued when its port closed; only a killed one may leave any */
            InterlockedIncrement( &canceled );
            if (!slot || !slot->victim)
                count( slot, LOST, "LPC_CANCELED for a message of %u bytes", (unsigned)(USHORT)msg->h.u1.s1.DataLength );
            else if ((USHORT)msg->h.u1.s1.DataLength >= sizeof(struct stress_hdr) && msg->m.s.magic == STRESS_MAGIC &&
                     msg->m.s.client != slot->id)
                count( slot, MISROUTED, "LPC_CANCELED for client %u's message", (unsigned)msg->m.s.client );
            break;
        default:
            count( slot, CORRUPT, "a message of type %#x", (unsigned)msg->h.u2.s2.Type );
            break;
        }
    }
}

static struct slot *oldest_live_victim(void)
{
    ULONG i;

    for (i = 0; i < nb_slots; i++)
        if (slots[i]->victim && slots[i]->connected && !slots[i]->killed && !slots[i]->done) return slots[i];
    return NULL;
}

static void kill_slot( struct slot *slot )
{
    InterlockedExchange( &slot->killed, 1 );
    if (!TerminateProcess( slot->process, 0xdead ) && WaitForSingleObject( slot->process, 0 ))
        fail( "TerminateProcess(client %u), error %u", (unsigned)slot->id, (unsigned)GetLastError() );
    WaitForSingleObject( slot->process, INFINITE );
}

static BOOL wait_until( BOOL (*cond)(void), DWORD ms )
{
    DWORD start = GetTickCount();

    while (!cond())
    {
        if (GetTickCount() - start > ms) return FALSE;
        Sleep( 5 );
    }
    return TRUE;
}

static BOOL all_stable_done(void)
{
    ULONG i;

    for (i = 0; i < nb_slots; i++)
        if (!slots[i]->victim && !slots[i]->done && WaitForSingleObject( slots[i]->process, 0 )) return FALSE;
    return TRUE;
}

static BOOL all_victims_connected(void)
{
    ULONG i;

    for (i = 0; i < nb_slots; i++)
        if (slots[i]->victim && !slots[i]->connected && WaitForSingleObject( slots[i]->process, 0 )) return FALSE;
    return TRUE;
}

static BOOL all_closed(void)
{
    ULONG i;

    for (i = 0; i < nb_slots; i++) if (slots[i]->connected && !slots[i]->closed) return FALSE;
    return TRUE;
}

static BOOL threads_stopped(void)
{
    return !threads_running;
}

static int run_server( ULONG clients, ULONG threads, ULONG victims, ULONG kill_every, DWORD timeout_ms )
{
    HANDLE control_port;
    union stress_msg *msg = malloc( sizeof(*msg) );
    OBJECT_ATTRIBUTES attr;
    ALPC_PORT_ATTRIBUTES port_attrs;
    UNICODE_STRING str;
    WCHAR buffer[MAX_PATH];
    struct slot *last_victim = NULL, *victim;
    LONG last_kill = 0, lost;
    ULONG i, kills = 0, stable = clients - victims, closed_unseen = 0, bad_exit = 0;
    DWORD start = GetTickCount(), code;
    NTSTATUS status;
    double seconds;

    strcpy( side, "server" );
    if (!msg) fail( "out of memory" );
    snprintf( port_name, sizeof(port_name), "\\RPC Control\\wine-lpc-stress-%u", (unsigned)GetCurrentProcessId() );
    make_unicode( &str, buffer, MAX_PATH, port_name );
    InitializeObjectAttributes( &attr, &str, 0, NULL, NULL );
    if (use_alpc)
    {
        alpc_port_attributes( &port_attrs );
        status = NtAlpcCreatePort( &server_port, &attr, &port_attrs );
    }
    else status = NtCreatePort( &server_port, &attr, LPC_MAX_INFO, LPC_MAX_MESSAGE, 0 );
    if (status) fail( "creating %s -> %#x", port_name, (unsigned)status );

    control.id = CONTROL_ID;
    threads_running = threads;
    for (i = 0; i < threads; i++)
    {
        HANDLE thread = CreateThread( NULL, 0, serve_thread, NULL, 0, NULL );
        if (!thread) fail( "CreateThread, error %u", (unsigned)GetLastError() );
        CloseHandle( thread );
    }
    for (i = 0; i < clients; i++) new_slot( i >= stable );
    for (i = 0; i < clients; i++) start_slot( slots[i] );

    /* the victims die every kill_every messages, once the last replacement is connected */
    while (!all_stable_done())
    {
        if (GetTickCount() - start > timeout_ms) fail( "still running after %u s", (unsigned)(timeout_ms / 1000) );
        if (kill_every && received - last_kill >= (LONG)kill_every && (!last_victim || last_victim->connected) &&
            (victim = oldest_live_victim()))
        {
            kill_slot( victim );
            kills++;
            last_kill = received;
            last_victim = new_slot( TRUE );
            start_slot( last_victim );
        }
        Sleep( 2 );
    }

    /* then the victims left, once connected */
    if (!wait_until( all_victims_connected, 120000 )) fail( "a victim did not connect within 120 s" );
    for (i = 0; i < nb_slots; i++)
        if (slots[i]->victim && !slots[i]->killed && WaitForSingleObject( slots[i]->process, 0 ))
        {
            kill_slot( slots[i] );
            kills++;
        }

    /* every connection must say it ended, a killed client's too */
    if (!wait_until( all_closed, 60000 ))
    {
        for (i = 0; i < nb_slots; i++)
            if (slots[i]->connected && !slots[i]->closed)
            {
                closed_unseen++;
                report( "no LPC_PORT_CLOSED or LPC_CLIENT_DIED for client %u%s after 60 s", (unsigned)i,
                        slots[i]->killed ? " (killed)" : "" );
            }
    }

    /* stop the threads with a message each through a connection of our own;
     * the closures came after every client message, so those are all taken */
    control_port = connect_port( port_name, CONTROL_ID );
    for (i = 0; i < threads; i++)
    {
        init_msg( msg, KIND_QUIT, CONTROL_ID, i + 1 );
        if ((status = send_datagram( control_port, msg ))) fail( "stopping the threads -> %#x", (unsigned)status );
    }
    if (!wait_until( threads_stopped, 60000 )) fail( "the server threads did not stop" );
    if (use_alpc) NtAlpcDisconnectPort( control_port, 0 );
    NtClose( control_port );
    NtClose( control.comm );

    /* what the clients that were not killed sent and the server did not see is lost */
    for (i = 0; i < nb_slots; i++)
    {
        struct slot *slot = slots[i];

        if (!slot->killed)
        {
            lost = (nb_requests - slot->requests) + (nb_datagrams - slot->datagrams) + !slot->done;
            if (lost)
            {
                InterlockedExchangeAdd( &counts[LOST], lost );
                report( "lost: client %u: received %u of %u requests, %u of %u datagrams, %s", (unsigned)i,
                        (unsigned)slot->requests, (unsigned)nb_requests, (unsigned)slot->datagrams,
                        (unsigned)nb_datagrams, slot->done ? "its last request" : "not its last request" );
            }
            WaitForSingleObject( slot->process, 60000 );
            if (!GetExitCodeProcess( slot->process, &code ) || code)
            {
                bad_exit++;
                report( "client %u exit code %#x", (unsigned)i, (unsigned)code );
            }
        }
        CloseHandle( slot->process );
        if (slot->comm) NtClose( slot->comm );
    }
    NtClose( server_port );

    seconds = (GetTickCount() - start) / 1000.0;
    printf( "STRESS {\"protocol\": \"%s\", \"clients\": %u, \"victims\": %u, \"requests\": %u, \"datagrams\": %u, "
            "\"burst\": %u, \"threads\": %u, \"kill_every\": %u, \"victim_processes\": %u, \"kills\": %u, \"received\": %d, "
            "\"lost\": %d, \"duplicated\": %d, \"misrouted\": %d, \"corrupt\": %d, \"canceled\": %d, "
            "\"port_closed\": %d, \"client_died\": %d, \"closed_unseen\": %u, \"bad_exit\": %u, "
            "\"seconds\": %.1f}\n",
            use_alpc ? "alpc" : "lpc", (unsigned)clients, (unsigned)victims, (unsigned)nb_requests,
            (unsigned)nb_datagrams, (unsigned)burst, (unsigned)threads, (unsigned)kill_every,
            (unsigned)(nb_slots - stable), (unsigned)kills,
            (int)received, (int)counts[LOST], (int)counts[DUPLICATED], (int)counts[MISROUTED], (int)counts[CORRUPT],
            (int)canceled, (int)port_closed, (int)client_died, (unsigned)closed_unseen, (unsigned)bad_exit, seconds );
    fflush( stdout );
    for (i = 0; i < NB_COUNTS; i++) if (counts[i]) return 1;
    return closed_unseen || bad_exit || reports ? 1 : 0;
}

static void usage( const char *argv0 )
{
    fprintf( stderr, "usage: %s server lpc|alpc [--clients N] [--requests N] [--datagrams N] [--burst N]\n"
             "           [--threads N] [--victims N --kill-every N] [--timeout SECONDS] [--inject]\n", argv0 );
    ExitProcess( 2 );
}

int main( int argc, char **argv )
{
    ULONG clients = 16, threads = 2, victims = 0, kill_every = 0, timeout = 1200;
    int i;

    if (argc == 9 && !strcmp( argv[1], "client" ))
    {
        use_alpc = !strcmp( argv[2], "alpc" );
        return run_client( argv[3], strtoul( argv[4], NULL, 10 ), strtoul( argv[5], NULL, 10 ),
                           strtoul( argv[6], NULL, 10 ), strtoul( argv[7], NULL, 10 ), atoi( argv[8] ) );
    }
    if (argc < 3 || strcmp( argv[1], "server" ) || (strcmp( argv[2], "lpc" ) && strcmp( argv[2], "alpc" )))
        usage( argv[0] );
    use_alpc = !strcmp( argv[2], "alpc" );
    nb_requests = nb_datagrams = 10000;
    for (i = 3; i < argc; i += 2)
    {
        ULONG value;

        if (!strcmp( argv[i], "--inject" ))
        {
            inject = TRUE;
            i--;
            continue;
        }
        if (i + 1 >= argc) usage( argv[0] );
        value = strtoul( argv[i + 1], NULL, 10 );

        if (!strcmp( argv[i], "--clients" )) clients = value;
        else if (!strcmp( argv[i], "--requests" )) nb_requests = value;
        else if (!strcmp( argv[i], "--datagrams" )) nb_datagrams = value;
        else if (!strcmp( argv[i], "--burst" )) burst = value;
        else if (!strcmp( argv[i], "--threads" )) threads = value;
        else if (!strcmp( argv[i], "--victims" )) victims = value;
        else if (!strcmp( argv[i], "--kill-every" )) kill_every = value;
        else if (!strcmp( argv[i], "--timeout" )) timeout = value;
        else usage( argv[0] );
    }
    if (!clients || clients > 256 || !threads || threads > MAX_THREADS || !burst || victims >= clients ||
        (inject && (clients < 5 || victims || nb_requests < 5 || nb_datagrams < 4)) || (victims && !kill_every) ||
        nb_requests > 0x10000000 || nb_datagrams > 0x10000000)
        usage( argv[0] );
    return run_server( clients, threads, victims, kill_every, timeout * 1000 );
}
