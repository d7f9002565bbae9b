/*
 * A syscall fuzzer for the LPC and ALPC system calls
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
 *   fuzz_ports.exe SEED INDEX NPROCS CALLS [THREADS [GENERATION [OPMASK]]]
 *   fuzz_ports.exe --probe
 *
 * Several threads call every LPC and ALPC system call with random and
 * boundary arguments against live objects: named server ports this process
 * made (\BaseNamedObjects\wlpcfuzz-INDEX-*), connections to the ports of the
 * other fuzzer processes (INDEX 0 to NPROCS-1, same naming), messages it
 * received, sections, views, security contexts and reserves it created.
 * Results are ignored; only the number of calls is counted.  SEED, INDEX,
 * GENERATION and the thread number seed each thread's generator, so a run
 * is repeatable as far as thread and process scheduling allow.
 *
 * Nothing waits without a bound: every timeout is a few milliseconds, and a
 * monitor thread terminates (and replaces) a worker that stays in one of the
 * legacy calls that take no timeout (NtListenPort, NtConnectPort,
 * NtRequestWaitReplyPort, ...) for too long.  A last watchdog ends the
 * process should it still not be done.
 *
 * Output, for run_fuzz.py: "progress N" every PROGRESS_STEP calls and
 * "done calls N thread-kills K" at the end.  --probe creates a port, closes
 * it and prints "probe ok": the driver's check that wineserver answers.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <winternl.h>
#include <ntdef/ntlpcapi.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* not in mingw-w64's winternl.h */
NTSYSAPI NTSTATUS NTAPI NtDuplicateObject(HANDLE, HANDLE, HANDLE, PHANDLE, ACCESS_MASK, ULONG, ULONG);
NTSYSAPI NTSTATUS NTAPI NtSetInformationThread(HANDLE, THREADINFOCLASS, PVOID, ULONG);

#define MAX_THREADS    16
#define POOL_SIZE      48
#define STALE_SIZE     16
#define RECV_SIZE      32
#define AHANDLES       16
#define PORTS_PER_PROC 3
#define MSG_BUF        0x10100
#define PROGRESS_STEP  500
#define STUCK_MS       250      /* a legacy call without timeout may block this long */
#define WATCHDOG_MS    120000

typedef ULONG64 rng_t;

static ULONG64 next64( rng_t *r )
{
    /* splitmix64 */
    ULONG64 z = (*r += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static ULONG rnd( rng_t *r, ULONG n )  /* 0 <= x < n */
{
    return n ? (ULONG)(next64( r ) % n) : 0;
}

static BOOL chance( rng_t *r, ULONG percent )
{
    return rnd( r, 100 ) < percent;
}

enum kind
{
    K_NONE, K_ALPC_SERVER, K_ALPC_COMM, K_ALPC_CLIENT, K_LPC_SERVER, K_LPC_COMM, K_LPC_CLIENT,
    K_SECTION, K_EVENT, K_KINDS
};

struct slot
{
    HANDLE handle;
    LONG   kind;
};

struct received
{
    HANDLE port;
    BOOL   alpc;
    union
    {
        PORT_MESSAGE h;
        char raw[sizeof(PORT_MESSAGE) + 0x40];
    } msg;
    ALPC_CONTEXT_ATTR context;
};

struct worker
{
    HANDLE thread;
    int    number;
    rng_t  rng;
    volatile LONG blocking;     /* inside a call without timeout since */
    volatile DWORD since;
    char   send[MSG_BUF];
    char   recv[MSG_BUF];
    char   attr_buf[0x200];
    char   attr_buf2[0x200];
    char   out[0x1000];
};

static ULONG64 seed;
static unsigned int index_, nprocs, nthreads = 4, generation;
static LONG calls_target;
static volatile LONG calls_done, thread_kills, last_progress;
static volatile LONG stopping;
static BOOL trace_ops;
static DWORD stuck_ms = STUCK_MS, watchdog_ms = WATCHDOG_MS;

static struct slot pool[POOL_SIZE];
static HANDLE stale[STALE_SIZE];
static struct received received[RECV_SIZE];
static volatile LONG received_next;
static volatile ULONG_PTR alpc_sections[AHANDLES], alpc_contexts[AHANDLES], alpc_reserves[AHANDLES];
static void * volatile views[AHANDLES];
static struct worker *workers[MAX_THREADS];

static char *guard;     /* RW page, read-only page, reserved page */
static SID everyone_sid = { SID_REVISION, 1, { SECURITY_WORLD_SID_AUTHORITY }, { SECURITY_WORLD_RID } };

static void count(void)
{
    LONG n = InterlockedIncrement( &calls_done );

    if (n % PROGRESS_STEP == 0)
    {
        printf( "progress %ld\n", n );
        fflush( stdout );
    }
}

#define CALL(x) (count(), (x))

/* a call that may block without a bound: the monitor ends it if it must */
#define BLOCKING(w, x) ( (w)->since = GetTickCount(), InterlockedExchange( &(w)->blocking, 1 ), \
                         count(), (x), InterlockedExchange( &(w)->blocking, 0 ) )


/***********************************************************************
 * Objects
 */

static void pool_add( rng_t *r, HANDLE handle, enum kind kind )
{
    unsigned int i = rnd( r, POOL_SIZE );
    HANDLE old;

    if (!handle) return;
    old = InterlockedExchangePointer( &pool[i].handle, handle );
    pool[i].kind = kind;
    if (!old) return;
    /* the handle we drop is either closed (and stays around as a stale
     * value) or leaks until the process ends */
    if (chance( r, 85 )) CALL( NtClose( old ));
    stale[rnd( r, STALE_SIZE )] = old;
}

/* a handle of one of these kinds if there is one, else any */
static HANDLE pool_pick( rng_t *r, ULONG kinds )
{
    unsigned int i, start = rnd( r, POOL_SIZE );

    for (i = 0; i < POOL_SIZE; i++)
    {
        struct slot *s = &pool[(start + i) % POOL_SIZE];
        if (s->handle && (kinds & (1u << s->kind))) return s->handle;
    }
    for (i = 0; i < POOL_SIZE; i++)
    {
        struct slot *s = &pool[(start + i) % POOL_SIZE];
        if (s->handle) return s->handle;
    }
    return NULL;
}

#define KM(k) (1u << (k))
#define ALPC_PORTS (KM(K_ALPC_SERVER) | KM(K_ALPC_COMM) | KM(K_ALPC_CLIENT))
#define LPC_PORTS  (KM(K_LPC_SERVER) | KM(K_LPC_COMM) | KM(K_LPC_CLIENT))
#define ALL_PORTS  (ALPC_PORTS | LPC_PORTS)

static HANDLE random_handle( rng_t *r, ULONG kinds )
{
    ULONG x = rnd( r, 100 );

    if (x < 75) return pool_pick( r, kinds );
    if (x < 83) return pool_pick( r, ~0u );
    if (x < 88) return stale[rnd( r, STALE_SIZE )];
    if (x < 90) return NULL;
    if (x < 92) return (HANDLE)(LONG_PTR)-1;    /* the current process */
    if (x < 94) return (HANDLE)(LONG_PTR)-2;    /* the current thread */
    if (x < 97) return (HANDLE)(ULONG_PTR)(4 * rnd( r, 0x400 ));
    return (HANDLE)(ULONG_PTR)next64( r );
}

static ULONG_PTR random_ahandle( rng_t *r, volatile ULONG_PTR *list )
{
    ULONG x = rnd( r, 100 );

    if (x < 80) return list[rnd( r, AHANDLES )];
    if (x < 90) return rnd( r, 0x40 );
    return (ULONG_PTR)next64( r );
}

static void remember_ahandle( rng_t *r, volatile ULONG_PTR *list, ULONG_PTR value )
{
    if (value) list[rnd( r, AHANDLES )] = value;
}


/***********************************************************************
 * Pointers, lengths, flags
 */

/* a pointer that faults (or partly faults) when written, or read */
static void *bad_pointer( rng_t *r, SIZE_T size )
{
    switch (rnd( r, 9 ))
    {
    case 0: return NULL;
    case 1: return (void *)(ULONG_PTR)1;
    case 2: return guard + 0x1000;                                  /* read-only */
    case 3: return guard + 0x2000;                                  /* reserved */
    case 4: return guard + 0x1000 - min( size, 0x1000 ) / 2 - 1;    /* RW, then read-only */
    case 5: return guard + 0x2000 - min( size, 0x1000 ) / 2;        /* read-only, then reserved */
    case 6: return (void *)(ULONG_PTR)0xffff800000000000ull;
    case 7: return (void *)(ULONG_PTR)-8;
    default: return guard + 0x1000 - 3;                             /* unaligned, straddling */
    }
}

static void *maybe_bad( rng_t *r, void *good, SIZE_T size, ULONG bad_percent )
{
    return chance( r, bad_percent ) ? bad_pointer( r, size ) : good;
}

static ULONG random_flags( rng_t *r, const ULONG *valid, unsigned int count )
{
    ULONG flags = 0;
    unsigned int i;

    switch (rnd( r, 6 ))
    {
    case 0: return 0;
    case 1: return (ULONG)next64( r );
    case 2: return 1u << rnd( r, 32 );
    default:
        for (i = 0; i < count; i++) if (chance( r, 30 )) flags |= valid[i];
        return flags;
    }
}

static SIZE_T random_size( rng_t *r, SIZE_T max )
{
    switch (rnd( r, 8 ))
    {
    case 0: return 0;
    case 1: return 1;
    case 2: return max;
    case 3: return max + 1;
    case 4: return (SIZE_T)next64( r );
    case 5: return 0xffffffff;
    default: return rnd( r, max + 1 );
    }
}

static LARGE_INTEGER *short_timeout( rng_t *r, LARGE_INTEGER *t )
{
    t->QuadPart = chance( r, 20 ) ? 0 : -(LONGLONG)(rnd( r, 5 ) + 1) * 10000;
    return t;
}

static void init_name( rng_t *r, UNICODE_STRING *str, WCHAR *buffer, BOOL alpc_name )
{
    unsigned int target = chance( r, 30 ) ? index_ : rnd( r, nprocs );
    unsigned int len;

    /* the ports of every fuzzer process, an ALPC and an LPC set each */
    len = swprintf( buffer, MAX_PATH, L"\\BaseNamedObjects\\wlpcfuzz-%u-%c%u", target,
                    alpc_name ? 'a' : 'l', rnd( r, PORTS_PER_PROC ));
    str->Buffer = buffer;
    str->Length = len * sizeof(WCHAR);
    str->MaximumLength = str->Length + sizeof(WCHAR);
    switch (rnd( r, 40 ))
    {
    case 0: str->Length = 0; break;
    case 1: str->Length |= 1; break;
    case 2: str->Length = str->MaximumLength + 2; break;
    case 3: str->Buffer = bad_pointer( r, str->Length ); break;
    case 4: str->Buffer = NULL; break;
    case 5: str->Length = 0xfffe; break;
    case 6: str->Length = str->MaximumLength = 3 * sizeof(WCHAR); break;   /* "\Ba" */
    case 7: str->Buffer = (WCHAR *)(guard + 0x1000 - str->Length / 2); break;
    }
}

static void random_port_attrs( rng_t *r, ALPC_PORT_ATTRIBUTES *attrs )
{
    static const ULONG valid[] = { ALPC_PORFLG_ALLOW_IMPERSONATION, ALPC_PORFLG_ALLOW_LPC_REQUESTS,
        ALPC_PORFLG_WAITABLE_PORT, ALPC_PORFLG_ALLOW_DUP_OBJECT, ALPC_PORFLG_SYSTEM_PROCESS,
        ALPC_PORFLG_WAKE_POLICY1, ALPC_PORFLG_DIRECT_MESSAGE, ALPC_PORFLG_ALLOW_MULTIHANDLE_ATTRIBUTE,
        ALPC_PORFLG_LPC_MODE };

    memset( attrs, 0, sizeof(*attrs) );
    attrs->Flags = random_flags( r, valid, ARRAY_SIZE(valid) );
    attrs->SecurityQos.Length = chance( r, 90 ) ? sizeof(attrs->SecurityQos) : rnd( r, 64 );
    attrs->SecurityQos.ImpersonationLevel = chance( r, 90 ) ? rnd( r, 4 ) : (ULONG)next64( r );
    attrs->SecurityQos.ContextTrackingMode = chance( r, 90 ) ? rnd( r, 2 ) : rnd( r, 256 );
    attrs->SecurityQos.EffectiveOnly = rnd( r, 3 );
    attrs->MaxMessageLength = chance( r, 60 ) ? 0x200 + rnd( r, 0x800 ) : random_size( r, 0x10000 );
    if (chance( r, 30 )) attrs->MemoryBandwidth = random_size( r, 0x10000 );
    if (chance( r, 30 )) attrs->MaxPoolUsage = random_size( r, 0x100000 );
    if (chance( r, 50 )) attrs->MaxSectionSize = random_size( r, 0x100000 );
    if (chance( r, 50 )) attrs->MaxViewSize = random_size( r, 0x100000 );
    if (chance( r, 50 )) attrs->MaxTotalSectionSize = random_size( r, 0x400000 );
    attrs->DupObjectTypes = chance( r, 50 ) ? ALPC_PORFLG_OBJECT_TYPE_ALL : (ULONG)next64( r );
}

static PSECURITY_QUALITY_OF_SERVICE random_qos( rng_t *r, SECURITY_QUALITY_OF_SERVICE *qos )
{
    qos->Length = chance( r, 90 ) ? sizeof(*qos) : rnd( r, 64 );
    qos->ImpersonationLevel = chance( r, 85 ) ? rnd( r, 4 ) : rnd( r, 16 ) + 4;
    qos->ContextTrackingMode = rnd( r, 3 );
    qos->EffectiveOnly = rnd( r, 2 );
    return maybe_bad( r, qos, sizeof(*qos), 10 );
}

static PSID random_sid( rng_t *r )
{
    switch (rnd( r, 10 ))
    {
    case 0: return &everyone_sid;
    case 1: return bad_pointer( r, 12 );
    case 2: return guard + 0x2000 - 6;      /* runs into the reserved page */
    default: return NULL;
    }
}


/***********************************************************************
 * Messages and attributes
 */

static const struct received *pick_received( rng_t *r )
{
    return &received[rnd( r, RECV_SIZE )];
}

static void remember( rng_t *r, HANDLE port, BOOL alpc, const PORT_MESSAGE *msg, const ALPC_MESSAGE_ATTRIBUTES *attrs )
{
    struct received *slot = &received[InterlockedIncrement( &received_next ) % RECV_SIZE];
    ALPC_CONTEXT_ATTR *context;

    slot->port = port;
    slot->alpc = alpc;
    memcpy( slot->msg.raw, msg, sizeof(slot->msg.raw) );
    memset( &slot->context, 0, sizeof(slot->context) );
    if (attrs && (attrs->ValidAttributes & ALPC_MESSAGE_CONTEXT_ATTRIBUTE) &&
        (context = AlpcGetMessageAttribute( (ALPC_MESSAGE_ATTRIBUTES *)attrs, ALPC_MESSAGE_CONTEXT_ATTRIBUTE )))
        slot->context = *context;
    if (attrs && (attrs->ValidAttributes & ALPC_MESSAGE_VIEW_ATTRIBUTE))
    {
        ALPC_DATA_VIEW_ATTR *view = AlpcGetMessageAttribute( (ALPC_MESSAGE_ATTRIBUTES *)attrs,
                                                             ALPC_MESSAGE_VIEW_ATTRIBUTE );
        if (view && view->ViewBase) views[rnd( r, AHANDLES )] = view->ViewBase;
    }
}

/* a message to send: mostly sane, sometimes with inconsistent lengths and types */
static PORT_MESSAGE *random_message( rng_t *r, struct worker *w, ULONG max_data )
{
    PORT_MESSAGE *msg = (PORT_MESSAGE *)w->send;
    ULONG data_len, i;

    switch (rnd( r, 10 ))
    {
    case 0: data_len = 0; break;
    case 1: data_len = max_data; break;
    case 2: data_len = max_data + 1 + rnd( r, 16 ); break;
    case 3: data_len = rnd( r, 0x8000 ); break;
    default: data_len = rnd( r, min( max_data, 0x100 ) + 1 ); break;
    }
    if (data_len > MSG_BUF - sizeof(*msg)) data_len = MSG_BUF - sizeof(*msg);
    memset( msg, 0, sizeof(*msg) );
    msg->u1.s1.DataLength = data_len;
    msg->u1.s1.TotalLength = sizeof(*msg) + data_len;
    if (chance( r, 10 )) msg->u1.s1.TotalLength = rnd( r, 0x10000 );
    if (chance( r, 5 )) msg->u1.s1.DataLength = rnd( r, 0x10000 );
    if (chance( r, 15 )) msg->u2.s2.Type = chance( r, 50 ) ? rnd( r, 14 ) : rnd( r, 0x10000 );
    if (chance( r, 10 )) msg->u2.s2.DataInfoOffset = chance( r, 50 ) ? sizeof(*msg) : rnd( r, 0x10000 );
    if (chance( r, 10 ))
    {
        msg->ClientId.UniqueProcess = (HANDLE)(ULONG_PTR)rnd( r, 0x1000 );
        msg->ClientId.UniqueThread = (HANDLE)(ULONG_PTR)rnd( r, 0x1000 );
    }
    if (chance( r, 10 )) msg->MessageId = chance( r, 50 ) ? pick_received( r )->msg.h.MessageId : (ULONG)next64( r );
    if (chance( r, 10 )) msg->CallbackId = (ULONG)next64( r );
    for (i = 0; i < min( data_len, 64 ); i++) ((char *)(msg + 1))[i] = next64( r );
    if (msg->u2.s2.DataInfoOffset == sizeof(*msg) && data_len >= sizeof(PORT_DATA_INFORMATION) + sizeof(PORT_DATA_ENTRY))
    {
        /* a data information block naming our buffers for NtRead/WriteRequestData */
        PORT_DATA_INFORMATION *info = (PORT_DATA_INFORMATION *)(msg + 1);
        info->CountDataEntries = chance( r, 80 ) ? 2 : (ULONG)next64( r );
        info->DataEntries[0].Base = maybe_bad( r, w->out, 0x100, 20 );
        /* a size beyond our buffer lets the server write over whatever follows it
         * in this process, as the kernel would: only a bad pointer gets any size */
        if (info->DataEntries[0].Base == w->out)
            info->DataEntries[0].Size = chance( r, 80 ) ? 0x100 : rnd( r, 0x101 );
        else
            info->DataEntries[0].Size = chance( r, 80 ) ? 0x100 : (ULONG)next64( r );
        info->DataEntries[1].Base = maybe_bad( r, guard + 0x800, 0x900, 30 );
        info->DataEntries[1].Size = 0x900;
    }
    return msg;
}

/* a reply to something received (or not) */
static PORT_MESSAGE *reply_message( rng_t *r, struct worker *w, ULONG max_data )
{
    const struct received *rec = pick_received( r );
    PORT_MESSAGE *msg = random_message( r, w, max_data );

    if (chance( r, 80 ))
    {
        msg->ClientId = rec->msg.h.ClientId;
        msg->MessageId = rec->msg.h.MessageId;
        msg->CallbackId = rec->msg.h.CallbackId;
        if (chance( r, 70 )) msg->u2.s2.Type = LPC_REPLY;
    }
    return msg;
}

/* the buffer a received message lands in */
static PORT_MESSAGE *receive_buffer( rng_t *r, struct worker *w, SIZE_T *len )
{
    *len = chance( r, 80 ) ? MSG_BUF : random_size( r, 0x300 );
    if (*len > MSG_BUF && *len != (SIZE_T)-1) *len = MSG_BUF;
    if (chance( r, 10 ))
    {
        /* page-straddling: the header or the data ends in the read-only page */
        *len = 0x1000;
        return (PORT_MESSAGE *)(guard + 0x1000 - rnd( r, 0x80 ) - 8);
    }
    return maybe_bad( r, w->recv, *len, 5 );
}

static void fill_attribute_blocks( rng_t *r, ALPC_MESSAGE_ATTRIBUTES *attrs, BOOL sending )
{
    ALPC_SECURITY_ATTR *sec;
    ALPC_DATA_VIEW_ATTR *view;
    ALPC_CONTEXT_ATTR *context;
    ALPC_HANDLE_ATTR *handle;
    ALPC_DIRECT_ATTR *direct;
    ALPC_WORK_ON_BEHALF_ATTR *wob;
    static SECURITY_QUALITY_OF_SERVICE qos = { sizeof(qos), SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE };
    static ALPC_HANDLE_ATTR32 multi[4];

    if ((sec = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_SECURITY_ATTRIBUTE )))
    {
        sec->Flags = chance( r, 50 ) ? 0 : chance( r, 50 ) ? ALPC_SECFLG_CREATE_HANDLE : (ULONG)next64( r );
        sec->QoS = chance( r, 80 ) ? &qos : bad_pointer( r, sizeof(qos) );
        sec->ContextHandle = (ALPC_HANDLE)random_ahandle( r, alpc_contexts );
    }
    if ((view = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_VIEW_ATTRIBUTE )))
    {
        static const ULONG valid[] = { ALPC_VIEWFLG_UNMAP_EXISTING, ALPC_VIEWFLG_AUTO_RELEASE, ALPC_VIEWFLG_NOT_SECURE };
        view->Flags = random_flags( r, valid, ARRAY_SIZE(valid) );
        view->SectionHandle = (ALPC_HANDLE)random_ahandle( r, alpc_sections );
        view->ViewBase = chance( r, 70 ) ? views[rnd( r, AHANDLES )] : bad_pointer( r, 1 );
        view->ViewSize = random_size( r, 0x10000 );
    }
    if ((context = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_CONTEXT_ATTRIBUTE )))
    {
        *context = received[rnd( r, RECV_SIZE )].context;
        if (chance( r, 20 )) context->MessageId = (ULONG)next64( r );
    }
    if ((handle = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_HANDLE_ATTRIBUTE )))
    {
        static const ULONG valid[] = { ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS, ALPC_HANDLEFLG_DUPLICATE_SAME_ATTRIBUTES,
                                       ALPC_HANDLEFLG_INDIRECT, ALPC_HANDLEFLG_DUPLICATE_INHERIT };
        unsigned int i;

        handle->Flags = random_flags( r, valid, ARRAY_SIZE(valid) );
        if (handle->Flags & ALPC_HANDLEFLG_INDIRECT)
        {
            for (i = 0; i < ARRAY_SIZE(multi); i++)
            {
                multi[i].Flags = chance( r, 50 ) ? ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS : 0;
                multi[i].Handle = HandleToULong( random_handle( r, KM(K_EVENT) | KM(K_SECTION) ));
                multi[i].ObjectType = chance( r, 70 ) ? ALPC_PORFLG_OBJECT_TYPE_EVENT : (ULONG)next64( r );
                multi[i].DesiredAccess = chance( r, 50 ) ? 0 : (ULONG)next64( r );
            }
            handle->HandleAttrArray = maybe_bad( r, multi, sizeof(multi), 10 );
            handle->HandleCount = chance( r, 80 ) ? rnd( r, 5 ) : (ULONG)next64( r );
        }
        else
        {
            handle->Handle = random_handle( r, KM(K_EVENT) | KM(K_SECTION) | ALL_PORTS );
            handle->ObjectType = chance( r, 60 ) ? 1u << rnd( r, 12 ) : (ULONG)next64( r );
        }
        handle->DesiredAccess = chance( r, 50 ) ? 0 : (ULONG)next64( r );
    }
    if ((direct = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_DIRECT_ATTRIBUTE )))
        direct->Event = random_handle( r, KM(K_EVENT) );
    if ((wob = AlpcGetMessageAttribute( attrs, ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE )))
    {
        wob->Ticket.ThreadId = chance( r, 50 ) ? GetCurrentThreadId() : (ULONG)next64( r );
        wob->Ticket.ThreadCreationTimeLow = (ULONG)next64( r );
    }
    if (!sending) return;
    attrs->ValidAttributes = chance( r, 70 ) ? (attrs->AllocatedAttributes & (ULONG)next64( r ))
                                             : (ULONG)next64( r );
}

/* an attribute buffer: none, valid, valid with garbage, garbage, or a bad pointer */
static ALPC_MESSAGE_ATTRIBUTES *random_attrs( rng_t *r, char *buffer, SIZE_T size, BOOL sending )
{
    ALPC_MESSAGE_ATTRIBUTES *attrs = (ALPC_MESSAGE_ATTRIBUTES *)buffer;
    ULONG flags, i;
    SIZE_T needed;
    ULONG x = rnd( r, 100 );

    if (x < 35) return NULL;
    if (x < 40) return (ALPC_MESSAGE_ATTRIBUTES *)(guard + 0x1000);   /* valid layout, read-only */
    if (x < 43) return bad_pointer( r, 0x40 );
    flags = chance( r, 90 ) ? (ULONG)next64( r ) & ALPC_MESSAGE_ATTRIBUTE_ALL : (ULONG)next64( r );
    memset( buffer, 0, size );
    if (AlpcInitializeMessageAttribute( flags, attrs, size, &needed ))
        AlpcInitializeMessageAttribute( flags & ALPC_MESSAGE_ATTRIBUTE_ALL, attrs, size, &needed );
    if (x < 90) fill_attribute_blocks( r, attrs, sending );
    else for (i = 0; i < 0x60; i++) buffer[i] = next64( r );
    if (chance( r, 5 )) attrs->AllocatedAttributes = (ULONG)next64( r );
    return attrs;
}


/***********************************************************************
 * The calls
 */

static void handle_connection_request( rng_t *r, struct worker *w, HANDLE port, BOOL alpc, PORT_MESSAGE *msg );

/* what a receive got: remember it, and answer connection requests at once
 * mostly, so that the connects of the other processes go through */
static void received_message( rng_t *r, struct worker *w, HANDLE port, BOOL alpc, PORT_MESSAGE *msg,
                              ALPC_MESSAGE_ATTRIBUTES *attrs )
{
    if ((char *)msg < w->recv || (char *)msg >= w->recv + MSG_BUF) return;
    remember( r, port, alpc, msg, attrs );
    if ((msg->u2.s2.Type & 0xff) == LPC_CONNECTION_REQUEST && chance( r, 85 ))
        handle_connection_request( r, w, port, alpc, msg );
}

static void op_create_alpc_port( rng_t *r, struct worker *w )
{
    ALPC_PORT_ATTRIBUTES attrs;
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;

    init_name( r, &name, buffer, TRUE );
    if (chance( r, 70 ))
    {
        unsigned int len = swprintf( buffer, MAX_PATH, L"\\BaseNamedObjects\\wlpcfuzz-%u-a%u", index_,
                                     rnd( r, PORTS_PER_PROC ));
        name.Length = len * sizeof(WCHAR);
        name.MaximumLength = name.Length + sizeof(WCHAR);
        name.Buffer = buffer;
    }
    InitializeObjectAttributes( &oa, chance( r, 90 ) ? &name : NULL, chance( r, 90 ) ? 0 : (ULONG)next64( r ),
                                NULL, NULL );
    random_port_attrs( r, &attrs );
    if (chance( r, 70 )) attrs.Flags &= ~ALPC_PORFLG_SYSTEM_PROCESS;
    CALL( NtAlpcCreatePort( maybe_bad( r, &port, sizeof(port), 3 ), maybe_bad( r, &oa, sizeof(oa), 5 ),
                            chance( r, 10 ) ? NULL : maybe_bad( r, &attrs, sizeof(attrs), 5 )));
    pool_add( r, port, oa.ObjectName ? K_ALPC_SERVER : K_ALPC_CLIENT );
}

static void op_create_lpc_port( rng_t *r, struct worker *w )
{
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    WCHAR buffer[MAX_PATH];
    HANDLE port = NULL;
    unsigned int len;

    len = swprintf( buffer, MAX_PATH, L"\\BaseNamedObjects\\wlpcfuzz-%u-l%u", index_, rnd( r, PORTS_PER_PROC ));
    name.Length = len * sizeof(WCHAR);
    name.MaximumLength = name.Length + sizeof(WCHAR);
    name.Buffer = buffer;
    if (chance( r, 10 )) init_name( r, &name, buffer, FALSE );
    InitializeObjectAttributes( &oa, chance( r, 95 ) ? &name : NULL, chance( r, 95 ) ? 0 : (ULONG)next64( r ),
                                NULL, NULL );
    if (chance( r, 50 ))
        CALL( NtCreatePort( maybe_bad( r, &port, sizeof(port), 3 ), maybe_bad( r, &oa, sizeof(oa), 3 ),
                            chance( r, 70 ) ? rnd( r, 0x105 ) : (ULONG)next64( r ),
                            chance( r, 70 ) ? rnd( r, 0x149 ) : (ULONG)next64( r ), (ULONG)next64( r )));
    else
        CALL( NtCreateWaitablePort( maybe_bad( r, &port, sizeof(port), 3 ), maybe_bad( r, &oa, sizeof(oa), 3 ),
                                    chance( r, 70 ) ? rnd( r, 0x105 ) : (ULONG)next64( r ),
                                    chance( r, 70 ) ? rnd( r, 0x149 ) : (ULONG)next64( r ), (ULONG)next64( r )));
    pool_add( r, port, K_LPC_SERVER );
}

static void op_alpc_connect( rng_t *r, struct worker *w )
{
    static const ULONG valid[] = { ALPC_SYNC_CONNECTION, ALPC_USER_WAIT_MODE, ALPC_WAIT_IS_ALERTABLE };
    ALPC_PORT_ATTRIBUTES attrs;
    OBJECT_ATTRIBUTES oa, client_oa;
    UNICODE_STRING name;
    WCHAR buffer[MAX_PATH];
    LARGE_INTEGER timeout;
    PORT_MESSAGE *msg = NULL;
    SIZE_T len = MSG_BUF;
    HANDLE port = NULL;
    ULONG flags = random_flags( r, valid, ARRAY_SIZE(valid) );

    init_name( r, &name, buffer, !chance( r, 15 ));
    random_port_attrs( r, &attrs );
    if (chance( r, 60 ))
    {
        msg = random_message( r, w, 0x100 );
        msg->u2.s2.Type = 0;
    }
    flags &= ~ALPC_WAIT_IS_ALERTABLE;
    if (chance( r, 75 ))
        CALL( NtAlpcConnectPort( maybe_bad( r, &port, sizeof(port), 3 ), maybe_bad( r, &name, sizeof(name), 3 ),
                                 NULL, chance( r, 10 ) ? NULL : maybe_bad( r, &attrs, sizeof(attrs), 5 ), flags,
                                 random_sid( r ), msg, msg ? maybe_bad( r, &len, sizeof(len), 5 ) : NULL,
                                 random_attrs( r, w->attr_buf, sizeof(w->attr_buf), TRUE ),
                                 random_attrs( r, w->attr_buf2, sizeof(w->attr_buf2), FALSE ),
                                 short_timeout( r, &timeout )));
    else
    {
        InitializeObjectAttributes( &oa, &name, 0, NULL, NULL );
        InitializeObjectAttributes( &client_oa, NULL, 0, NULL, NULL );
        CALL( NtAlpcConnectPortEx( maybe_bad( r, &port, sizeof(port), 3 ), maybe_bad( r, &oa, sizeof(oa), 3 ),
                                   chance( r, 50 ) ? &client_oa : NULL, chance( r, 10 ) ? NULL : &attrs, flags,
                                   NULL, msg, msg ? &len : NULL,
                                   random_attrs( r, w->attr_buf, sizeof(w->attr_buf), TRUE ),
                                   random_attrs( r, w->attr_buf2, sizeof(w->attr_buf2), FALSE ),
                                   short_timeout( r, &timeout )));
    }
    pool_add( r, port, K_ALPC_CLIENT );
}

static HANDLE random_section( rng_t *r )
{
    HANDLE section;

    if (chance( r, 60 ) && (section = pool_pick( r, KM(K_SECTION) ))) return section;
    section = CreateFileMappingA( INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000 << rnd( r, 6 ), NULL );
    pool_add( r, section, K_SECTION );
    return section;
}

static void op_lpc_connect( rng_t *r, struct worker *w )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    PORT_VIEW view;
    REMOTE_PORT_VIEW server_view;
    UNICODE_STRING name;
    WCHAR buffer[MAX_PATH];
    char info[0x200];
    ULONG info_len = chance( r, 70 ) ? rnd( r, 0x41 ) : (ULONG)next64( r ), max_len;
    HANDLE port = NULL;
    PPORT_VIEW pview = NULL;

    init_name( r, &name, buffer, chance( r, 85 ) ? FALSE : TRUE );
    if (chance( r, 30 ))
    {
        memset( &view, 0, sizeof(view) );
        view.Length = chance( r, 90 ) ? sizeof(view) : rnd( r, 0x40 );
        view.SectionHandle = random_section( r );
        view.SectionOffset = chance( r, 80 ) ? 0 : (ULONG)next64( r );
        view.ViewSize = chance( r, 80 ) ? 0x1000 : random_size( r, 0x100000 );
        pview = maybe_bad( r, &view, sizeof(view), 10 );
    }
    memset( &server_view, 0, sizeof(server_view) );
    server_view.Length = chance( r, 90 ) ? sizeof(server_view) : rnd( r, 0x40 );
    memset( info, 0x5a, sizeof(info) );
    if (info_len > sizeof(info)) info_len = chance( r, 50 ) ? sizeof(info) : info_len;
    if (chance( r, 50 ))
        BLOCKING( w, NtConnectPort( maybe_bad( r, &port, sizeof(port), 3 ), maybe_bad( r, &name, sizeof(name), 3 ),
                                    random_qos( r, &qos ), pview,
                                    chance( r, 50 ) ? NULL : maybe_bad( r, &server_view, sizeof(server_view), 10 ),
                                    chance( r, 50 ) ? &max_len : NULL,
                                    info_len <= sizeof(info) ? maybe_bad( r, info, info_len, 10 ) : bad_pointer( r, info_len ),
                                    chance( r, 80 ) ? &info_len : NULL ));
    else
        BLOCKING( w, NtSecureConnectPort( maybe_bad( r, &port, sizeof(port), 3 ), &name, random_qos( r, &qos ), pview,
                                          random_sid( r ), chance( r, 50 ) ? NULL : &server_view,
                                          chance( r, 50 ) ? &max_len : NULL,
                                          info_len <= sizeof(info) ? info : bad_pointer( r, info_len ),
                                          chance( r, 80 ) ? &info_len : NULL ));
    pool_add( r, port, K_LPC_CLIENT );
}

static void lpc_accept( rng_t *r, struct worker *w, PORT_MESSAGE *request )
{
    PORT_VIEW view;
    REMOTE_PORT_VIEW client_view;
    HANDLE port = NULL;
    BOOLEAN accept = chance( r, 80 );

    memset( &view, 0, sizeof(view) );
    view.Length = sizeof(view);
    if (chance( r, 20 ))
    {
        view.SectionHandle = random_section( r );
        view.ViewSize = chance( r, 80 ) ? 0x1000 : random_size( r, 0x100000 );
    }
    memset( &client_view, 0, sizeof(client_view) );
    client_view.Length = chance( r, 90 ) ? sizeof(client_view) : rnd( r, 0x40 );
    CALL( NtAcceptConnectPort( maybe_bad( r, &port, sizeof(port), 3 ), (void *)(ULONG_PTR)next64( r ), request, accept,
                               view.SectionHandle || chance( r, 10 ) ? maybe_bad( r, &view, sizeof(view), 5 ) : NULL,
                               chance( r, 50 ) ? NULL : maybe_bad( r, &client_view, sizeof(client_view), 5 )));
    if (!port) return;
    if (chance( r, 90 )) CALL( NtCompleteConnectPort( port ));
    pool_add( r, port, K_LPC_COMM );
}

static void alpc_accept( rng_t *r, struct worker *w, HANDLE server, PORT_MESSAGE *request )
{
    ALPC_PORT_ATTRIBUTES attrs;
    OBJECT_ATTRIBUTES oa;
    HANDLE port = NULL;
    BOOLEAN accept = chance( r, 80 );

    random_port_attrs( r, &attrs );
    InitializeObjectAttributes( &oa, NULL, 0, NULL, NULL );
    CALL( NtAlpcAcceptConnectPort( maybe_bad( r, &port, sizeof(port), 3 ), server, chance( r, 90 ) ? 0 : (ULONG)next64( r ),
                                   chance( r, 50 ) ? NULL : &oa, chance( r, 30 ) ? NULL : &attrs,
                                   (void *)(ULONG_PTR)next64( r ), request,
                                   random_attrs( r, w->attr_buf2, sizeof(w->attr_buf2), TRUE ), accept ));
    pool_add( r, port, K_ALPC_COMM );
}

static void handle_connection_request( rng_t *r, struct worker *w, HANDLE port, BOOL alpc, PORT_MESSAGE *msg )
{
    if (alpc) alpc_accept( r, w, port, msg );
    else lpc_accept( r, w, msg );
}

static void op_accept_remembered( rng_t *r, struct worker *w )
{
    const struct received *rec = pick_received( r );
    PORT_MESSAGE *msg = (PORT_MESSAGE *)w->send;

    memcpy( msg, rec->msg.raw, sizeof(rec->msg.raw) );
    if (chance( r, 10 )) msg->MessageId = (ULONG)next64( r );
    if (rec->alpc || chance( r, 30 ))
        alpc_accept( r, w, chance( r, 80 ) ? rec->port : random_handle( r, KM(K_ALPC_SERVER) ), msg );
    else
        lpc_accept( r, w, chance( r, 90 ) ? msg : bad_pointer( r, sizeof(*msg) ));
}

static void op_listen( rng_t *r, struct worker *w )
{
    PORT_MESSAGE *msg = (PORT_MESSAGE *)w->recv;
    HANDLE port = random_handle( r, KM(K_LPC_SERVER) );
    NTSTATUS status;

    BLOCKING( w, status = NtListenPort( port, chance( r, 95 ) ? msg : bad_pointer( r, 0x200 )));
    if (!status) received_message( r, w, port, FALSE, msg, NULL );
}

static void op_lpc_receive( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, LPC_PORTS );
    PORT_MESSAGE *reply = chance( r, 40 ) ? reply_message( r, w, 0x100 ) : NULL;
    SIZE_T len;
    PORT_MESSAGE *msg = receive_buffer( r, w, &len );
    LARGE_INTEGER timeout;
    void *context;
    NTSTATUS status;

    if (chance( r, 95 ))
        status = CALL( NtReplyWaitReceivePortEx( port, chance( r, 80 ) ? &context : NULL, reply, msg,
                                                 short_timeout( r, &timeout )));
    else
        BLOCKING( w, status = NtReplyWaitReceivePort( port, chance( r, 80 ) ? &context : NULL, reply, msg ));
    if (!status) received_message( r, w, port, FALSE, msg, NULL );
}

static void op_lpc_request( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, KM(K_LPC_CLIENT) | KM(K_LPC_COMM) | ALPC_PORTS );
    PORT_MESSAGE *msg = random_message( r, w, 0x100 );

    if (chance( r, 70 )) msg->u2.s2.Type = 0;
    CALL( NtRequestPort( port, chance( r, 95 ) ? msg : bad_pointer( r, 0x40 )));
}

static void op_lpc_request_wait_reply( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, KM(K_LPC_CLIENT) | KM(K_LPC_COMM) );
    PORT_MESSAGE *msg = random_message( r, w, 0x100 );
    SIZE_T len;
    PORT_MESSAGE *reply = receive_buffer( r, w, &len );

    if (chance( r, 70 )) msg->u2.s2.Type = 0;
    if (trace_ops)
        printf( "  NtRequestWaitReplyPort %p: len %d/%d type %#x info %d id %lu cb %lu, reply %p\n", port,
                msg->u1.s1.DataLength, msg->u1.s1.TotalLength, (USHORT)msg->u2.s2.Type, msg->u2.s2.DataInfoOffset,
                msg->MessageId, msg->CallbackId, reply );
    BLOCKING( w, NtRequestWaitReplyPort( port, msg, reply ));
}

static void op_lpc_reply( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, LPC_PORTS | KM(K_ALPC_COMM) );
    PORT_MESSAGE *msg = reply_message( r, w, 0x100 );

    if (chance( r, 5 )) msg = bad_pointer( r, 0x40 );
    /* NtReplyWaitReplyPort waits for the answer in the same buffer */
    if (chance( r, 15 )) BLOCKING( w, NtReplyWaitReplyPort( port, msg ));
    else CALL( NtReplyPort( port, msg ));
}

static void op_request_data( rng_t *r, struct worker *w )
{
    const struct received *rec = pick_received( r );
    PORT_MESSAGE *msg = (PORT_MESSAGE *)w->send;
    HANDLE port = chance( r, 70 ) && rec->port ? rec->port : random_handle( r, LPC_PORTS );
    SIZE_T size = random_size( r, 0x1000 ), done;
    void *buffer = size <= sizeof(w->out) ? maybe_bad( r, w->out, size, 15 ) : bad_pointer( r, size );

    memcpy( msg, rec->msg.raw, sizeof(rec->msg.raw) );
    if (chance( r, 10 )) msg->MessageId = (ULONG)next64( r );
    if (chance( r, 50 ))
        CALL( NtReadRequestData( port, msg, rnd( r, 4 ), buffer, size, chance( r, 80 ) ? &done : NULL ));
    else
        CALL( NtWriteRequestData( port, msg, rnd( r, 4 ), buffer, size, chance( r, 80 ) ? &done : NULL ));
}

static void op_impersonate( rng_t *r, struct worker *w )
{
    const struct received *rec = pick_received( r );
    PORT_MESSAGE *msg = (PORT_MESSAGE *)w->send;
    HANDLE port = chance( r, 70 ) && rec->port ? rec->port : random_handle( r, ALL_PORTS );
    HANDLE none = NULL;
    NTSTATUS status;

    memcpy( msg, rec->msg.raw, sizeof(rec->msg.raw) );
    if (chance( r, 10 )) msg->MessageId = (ULONG)next64( r );
    switch (rnd( r, 3 ))
    {
    case 0: status = CALL( NtImpersonateClientOfPort( port, maybe_bad( r, msg, sizeof(*msg), 5 ))); break;
    case 1: status = CALL( NtAlpcImpersonateClientOfPort( port, maybe_bad( r, msg, sizeof(*msg), 5 ),
                                                          (void *)(ULONG_PTR)(chance( r, 50 ) ? 0 : next64( r )))); break;
    default: status = CALL( NtAlpcImpersonateClientContainerOfPort( port, msg, (ULONG)next64( r ))); break;
    }
    /* back to our own token either way */
    CALL( NtSetInformationThread( GetCurrentThread(), ThreadImpersonationToken, &none, sizeof(none) ));
    (void)status;
}

static void op_query_port( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, ALL_PORTS );
    ULONG len = chance( r, 70 ) ? rnd( r, 0x40 ) : (ULONG)next64( r ), ret;
    void *buffer = len <= sizeof(w->out) ? maybe_bad( r, w->out, len, 15 ) : bad_pointer( r, len );

    CALL( NtQueryInformationPort( port, chance( r, 80 ) ? rnd( r, 3 ) : (ULONG)next64( r ), buffer, len,
                                  chance( r, 70 ) ? maybe_bad( r, &ret, sizeof(ret), 10 ) : NULL ));
}

static void op_register_terminate( rng_t *r, struct worker *w )
{
    CALL( NtRegisterThreadTerminatePort( random_handle( r, KM(K_LPC_CLIENT) | KM(K_ALPC_CLIENT) | ALL_PORTS )));
}

/* NtAlpcSendWaitReceivePort in its modes */
static void op_alpc_send_receive( rng_t *r, struct worker *w )
{
    static const ULONG valid[] = { ALPC_MSGFLG_REPLY_MESSAGE, ALPC_MSGFLG_LPC_MODE, ALPC_MSGFLG_RELEASE_MESSAGE,
        ALPC_MSGFLG_SYNC_REQUEST, ALPC_MSGFLG_TRACK_PORT_REFERENCES, ALPC_MSGFLG_WAIT_USER_MODE,
        ALPC_MSGFLG_WAIT_CHARGE_POLICY };
    HANDLE port;
    PORT_MESSAGE *send = NULL, *recv = NULL;
    ALPC_MESSAGE_ATTRIBUTES *send_attrs = NULL, *recv_attrs = NULL;
    LARGE_INTEGER timeout;
    SIZE_T len = 0;
    ULONG flags = 0;
    NTSTATUS status;

    switch (rnd( r, 6 ))
    {
    case 0:  /* datagram */
        port = random_handle( r, KM(K_ALPC_CLIENT) | KM(K_ALPC_COMM) );
        flags = ALPC_MSGFLG_RELEASE_MESSAGE;
        send = random_message( r, w, 0x200 );
        if (chance( r, 80 )) send->u2.s2.Type = 0;
        break;
    case 1:  /* synchronous request */
        port = random_handle( r, KM(K_ALPC_CLIENT) | KM(K_ALPC_COMM) );
        flags = ALPC_MSGFLG_SYNC_REQUEST;
        send = random_message( r, w, 0x200 );
        if (chance( r, 80 )) send->u2.s2.Type = 0;
        recv = receive_buffer( r, w, &len );
        break;
    case 2:  /* receive */
        port = random_handle( r, ALPC_PORTS );
        recv = receive_buffer( r, w, &len );
        break;
    case 3:  /* reply to something received, maybe receive the next */
    {
        const struct received *rec = pick_received( r );
        port = chance( r, 70 ) && rec->port ? rec->port : random_handle( r, ALPC_PORTS );
        flags = ALPC_MSGFLG_REPLY_MESSAGE | (chance( r, 30 ) ? ALPC_MSGFLG_RELEASE_MESSAGE : 0);
        send = reply_message( r, w, 0x200 );
        if (chance( r, 50 )) recv = receive_buffer( r, w, &len );
        break;
    }
    case 4:  /* request, no wait */
        port = random_handle( r, ALPC_PORTS );
        send = random_message( r, w, 0x200 );
        if (chance( r, 80 )) send->u2.s2.Type = 0;
        if (chance( r, 30 )) recv = receive_buffer( r, w, &len );
        break;
    default:  /* anything */
        port = random_handle( r, ALL_PORTS );
        flags = random_flags( r, valid, ARRAY_SIZE(valid) );
        if (chance( r, 70 )) send = random_message( r, w, 0x200 );
        if (chance( r, 70 )) recv = receive_buffer( r, w, &len );
        break;
    }
    flags &= ~ALPC_MSGFLG_WAIT_ALERTABLE;
    if (send) send_attrs = random_attrs( r, w->attr_buf, sizeof(w->attr_buf), TRUE );
    if (recv || chance( r, 10 )) recv_attrs = random_attrs( r, w->attr_buf2, sizeof(w->attr_buf2), FALSE );
    status = CALL( NtAlpcSendWaitReceivePort( port, flags, send, send_attrs, recv,
                                              recv ? maybe_bad( r, &len, sizeof(len), 3 ) : (chance( r, 10 ) ? &len : NULL),
                                              recv_attrs, short_timeout( r, &timeout )));
    if (!status && recv) received_message( r, w, port, TRUE, recv, recv_attrs );
}

static void op_alpc_cancel( rng_t *r, struct worker *w )
{
    static const ULONG valid[] = { ALPC_CANCELFLG_TRY_CANCEL, ALPC_CANCELFLG_NO_CONTEXT_CHECK, ALPC_CANCELFLGP_FLUSH };
    const struct received *rec = pick_received( r );
    ALPC_CONTEXT_ATTR context = rec->context;

    if (chance( r, 30 )) context.MessageId = chance( r, 50 ) ? rec->msg.h.MessageId : (ULONG)next64( r );
    CALL( NtAlpcCancelMessage( chance( r, 60 ) && rec->port ? rec->port : random_handle( r, ALPC_PORTS ),
                               random_flags( r, valid, ARRAY_SIZE(valid) ),
                               maybe_bad( r, &context, sizeof(context), 10 )));
}

static void op_alpc_disconnect( rng_t *r, struct worker *w )
{
    if (chance( r, 50 )) return;    /* a strong call; keep connections living long enough */
    CALL( NtAlpcDisconnectPort( random_handle( r, KM(K_ALPC_CLIENT) | KM(K_ALPC_COMM) | ALPC_PORTS ),
                                chance( r, 80 ) ? 0 : (ULONG)next64( r )));
}

static void op_alpc_sections( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, ALPC_PORTS );
    ALPC_DATA_VIEW_ATTR view;
    ALPC_HANDLE ahandle = 0;
    SIZE_T actual;

    switch (rnd( r, 4 ))
    {
    case 0:
        CALL( NtAlpcCreatePortSection( port, chance( r, 70 ) ? (chance( r, 50 ) ? ALPC_CREATEPORTSECTIONFLG_SECURE : 0)
                                                             : (ULONG)next64( r ),
                                       chance( r, 70 ) ? NULL : random_section( r ),
                                       chance( r, 70 ) ? 0x1000 << rnd( r, 6 ) : random_size( r, 0x100000 ),
                                       maybe_bad( r, &ahandle, sizeof(ahandle), 5 ),
                                       maybe_bad( r, &actual, sizeof(actual), 5 )));
        remember_ahandle( r, alpc_sections, (ULONG_PTR)ahandle );
        break;
    case 1:
        CALL( NtAlpcDeletePortSection( port, chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                       (ALPC_HANDLE)random_ahandle( r, alpc_sections )));
        break;
    case 2:
        memset( &view, 0, sizeof(view) );
        view.Flags = chance( r, 70 ) ? 0 : (ULONG)next64( r );
        view.SectionHandle = (ALPC_HANDLE)random_ahandle( r, alpc_sections );
        view.ViewSize = chance( r, 70 ) ? 0x1000 << rnd( r, 4 ) : random_size( r, 0x100000 );
        if (chance( r, 10 )) view.ViewBase = bad_pointer( r, 1 );
        if (!CALL( NtAlpcCreateSectionView( port, chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                            maybe_bad( r, &view, sizeof(view), 5 ))))
            views[rnd( r, AHANDLES )] = view.ViewBase;
        break;
    default:
        CALL( NtAlpcDeleteSectionView( port, chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                       chance( r, 80 ) ? views[rnd( r, AHANDLES )] : bad_pointer( r, 1 )));
        break;
    }
}

static void op_alpc_security( rng_t *r, struct worker *w )
{
    SECURITY_QUALITY_OF_SERVICE qos;
    HANDLE port = random_handle( r, ALPC_PORTS );
    ALPC_SECURITY_ATTR sec;

    switch (rnd( r, 3 ))
    {
    case 0:
        memset( &sec, 0, sizeof(sec) );
        sec.Flags = chance( r, 70 ) ? 0 : (ULONG)next64( r );
        sec.QoS = random_qos( r, &qos );
        if (chance( r, 10 )) sec.ContextHandle = (ALPC_HANDLE)(ULONG_PTR)next64( r );
        if (!CALL( NtAlpcCreateSecurityContext( port, chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                                maybe_bad( r, &sec, sizeof(sec), 5 ))))
            remember_ahandle( r, alpc_contexts, (ULONG_PTR)sec.ContextHandle );
        break;
    case 1:
        CALL( NtAlpcDeleteSecurityContext( port, chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                           (ALPC_HANDLE)random_ahandle( r, alpc_contexts )));
        break;
    default:
        CALL( NtAlpcRevokeSecurityContext( port, chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                           (ALPC_HANDLE)random_ahandle( r, alpc_contexts )));
        break;
    }
}

static void op_alpc_reserve( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, ALPC_PORTS );
    ALPC_HANDLE id = 0;

    if (chance( r, 50 ))
    {
        CALL( NtAlpcCreateResourceReserve( port, chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                           chance( r, 70 ) ? rnd( r, 0x300 ) : random_size( r, 0x10000 ),
                                           maybe_bad( r, &id, sizeof(id), 5 )));
        remember_ahandle( r, alpc_reserves, (ULONG_PTR)id );
    }
    else CALL( NtAlpcDeleteResourceReserve( port, chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                            (ALPC_HANDLE)random_ahandle( r, alpc_reserves )));
}

static void op_alpc_query( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, ALPC_PORTS );
    ULONG cls = chance( r, 90 ) ? rnd( r, 14 ) : (ULONG)next64( r );
    ULONG len = chance( r, 70 ) ? rnd( r, 0x80 ) : (ULONG)next64( r ), ret;
    char *buffer = w->out;

    memset( buffer, 0, 0x80 );
    if (cls == AlpcServerInformation) ((ALPC_SERVER_INFORMATION *)buffer)->In.ThreadHandle =
        chance( r, 50 ) ? GetCurrentThread() : random_handle( r, 0 );
    CALL( NtAlpcQueryInformation( port, cls, len <= sizeof(w->out) ? maybe_bad( r, buffer, len, 10 ) : bad_pointer( r, len ),
                                  len, chance( r, 70 ) ? maybe_bad( r, &ret, sizeof(ret), 10 ) : NULL ));
}

static void op_alpc_query_message( rng_t *r, struct worker *w )
{
    const struct received *rec = pick_received( r );
    PORT_MESSAGE *msg = (PORT_MESSAGE *)w->send;
    HANDLE port = chance( r, 70 ) && rec->port ? rec->port : random_handle( r, ALPC_PORTS );
    ULONG len = chance( r, 70 ) ? rnd( r, 0x60 ) : (ULONG)next64( r ), ret;
    ALPC_MESSAGE_HANDLE_INFORMATION *info = (ALPC_MESSAGE_HANDLE_INFORMATION *)w->out;
    NTSTATUS status;

    memcpy( msg, rec->msg.raw, sizeof(rec->msg.raw) );
    if (chance( r, 10 )) msg->MessageId = (ULONG)next64( r );
    memset( info, 0, sizeof(*info) );
    info->Index = rnd( r, 5 );
    status = CALL( NtAlpcQueryInformationMessage( port, maybe_bad( r, msg, sizeof(*msg), 5 ),
                                                  chance( r, 90 ) ? rnd( r, 5 ) : (ULONG)next64( r ),
                                                  len <= sizeof(w->out) ? maybe_bad( r, info, len, 15 ) : bad_pointer( r, len ),
                                                  len, chance( r, 70 ) ? maybe_bad( r, &ret, sizeof(ret), 10 ) : NULL ));
    (void)status;
}

static void op_alpc_set( rng_t *r, struct worker *w )
{
    HANDLE port = random_handle( r, ALPC_PORTS );
    ULONG cls = chance( r, 90 ) ? rnd( r, 14 ) : (ULONG)next64( r );
    union
    {
        ALPC_PORT_ASSOCIATE_COMPLETION_PORT assoc;
        ALPC_PORT_MESSAGE_ZONE_INFORMATION zone;
        ALPC_PORT_ATTRIBUTES attrs;
        char raw[0x80];
    } info;
    ULONG len = sizeof(info);
    HANDLE completion = NULL;
    unsigned int i;

    for (i = 0; i < sizeof(info.raw); i++) info.raw[i] = next64( r );
    switch (cls)
    {
    case AlpcAssociateCompletionPortInformation:
        completion = CreateIoCompletionPort( INVALID_HANDLE_VALUE, NULL, 0, 0 );
        info.assoc.CompletionKey = (void *)(ULONG_PTR)next64( r );
        info.assoc.CompletionPort = chance( r, 80 ) ? completion : random_handle( r, 0 );
        len = chance( r, 80 ) ? sizeof(info.assoc) : rnd( r, 0x20 );
        break;
    case AlpcMessageZoneInformation:
        info.zone.Buffer = chance( r, 50 ) ? w->out : bad_pointer( r, 0x100 );
        info.zone.Size = chance( r, 50 ) ? sizeof(w->out) : (ULONG)next64( r );
        len = chance( r, 80 ) ? sizeof(info.zone) : rnd( r, 0x20 );
        break;
    case AlpcPortInformation:
        random_port_attrs( r, &info.attrs );
        len = sizeof(info.attrs);
        break;
    default:
        len = rnd( r, sizeof(info) + 1 );
        break;
    }
    CALL( NtAlpcSetInformation( port, cls, maybe_bad( r, &info, len, 10 ), len ));
    if (completion) CloseHandle( completion );
}

static void op_alpc_open_sender( rng_t *r, struct worker *w )
{
    const struct received *rec = pick_received( r );
    PORT_MESSAGE *msg = (PORT_MESSAGE *)w->send;
    HANDLE port = chance( r, 70 ) && rec->port ? rec->port : random_handle( r, ALPC_PORTS );
    ACCESS_MASK access = chance( r, 70 ) ? SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION : (ULONG)next64( r );
    HANDLE handle = NULL;

    memcpy( msg, rec->msg.raw, sizeof(rec->msg.raw) );
    if (chance( r, 10 )) msg->MessageId = (ULONG)next64( r );
    if (chance( r, 10 )) msg->ClientId.UniqueProcess = (HANDLE)(ULONG_PTR)rnd( r, 0x1000 );
    if (chance( r, 50 ))
        CALL( NtAlpcOpenSenderProcess( maybe_bad( r, &handle, sizeof(handle), 5 ), port,
                                       maybe_bad( r, msg, sizeof(*msg), 5 ), chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                       access, NULL ));
    else
        CALL( NtAlpcOpenSenderThread( maybe_bad( r, &handle, sizeof(handle), 5 ), port,
                                      maybe_bad( r, msg, sizeof(*msg), 5 ), chance( r, 80 ) ? 0 : (ULONG)next64( r ),
                                      access, NULL ));
    if (handle) CALL( NtClose( handle ));
}

static void op_close( rng_t *r, struct worker *w )
{
    unsigned int i = rnd( r, POOL_SIZE );
    HANDLE handle;

    if (chance( r, 50 )) return;    /* keep live objects for longer */
    if (!(handle = InterlockedExchangePointer( &pool[i].handle, NULL ))) return;
    CALL( NtClose( handle ));
    stale[rnd( r, STALE_SIZE )] = handle;
}

static void op_duplicate( rng_t *r, struct worker *w )
{
    HANDLE handle = pool_pick( r, ALL_PORTS ), dup = NULL;
    unsigned int i;

    for (i = 0; i < POOL_SIZE; i++) if (pool[i].handle == handle) break;
    if (!handle || i == POOL_SIZE) return;
    if (CALL( NtDuplicateObject( GetCurrentProcess(), handle, GetCurrentProcess(), &dup, 0, 0,
                                 DUPLICATE_SAME_ACCESS ))) return;
    pool_add( r, dup, pool[i].kind );
}

static void op_event( rng_t *r, struct worker *w )
{
    pool_add( r, CreateEventA( NULL, FALSE, FALSE, NULL ), K_EVENT );
}

static void op_helpers( rng_t *r, struct worker *w )
{
    SIZE_T needed;
    SIZE_T size = chance( r, 80 ) ? rnd( r, sizeof(w->attr_buf) + 1 ) : random_size( r, 0x1000 );
    void *buffer = size <= sizeof(w->attr_buf) ? w->attr_buf : bad_pointer( r, size );

    /* the PE helpers: only with arguments that Windows' own do not fault on */
    if (buffer == w->attr_buf)
        CALL( AlpcInitializeMessageAttribute( (ULONG)next64( r ), buffer, size, &needed ));
    CALL( AlpcGetHeaderSize( (ULONG)next64( r )));
    CALL( AlpcMaxAllowedMessageLength() );
}

struct op
{
    void (*func)( rng_t *r, struct worker *w );
    unsigned int weight;
    const char *name;
};

static const struct op ops[] =
{
    { op_create_alpc_port, 4, "create_alpc_port" },
    { op_create_lpc_port, 3, "create_lpc_port" },
    { op_alpc_connect, 8, "alpc_connect" },
    { op_lpc_connect, 3, "lpc_connect" },
    { op_accept_remembered, 3, "accept_remembered" },
    { op_listen, 1, "listen" },
    { op_lpc_receive, 8, "lpc_receive" },
    { op_lpc_request, 6, "lpc_request" },
    { op_lpc_request_wait_reply, 2, "lpc_request_wait_reply" },
    { op_lpc_reply, 4, "lpc_reply" },
    { op_request_data, 3, "request_data" },
    { op_impersonate, 2, "impersonate" },
    { op_query_port, 2, "query_port" },
    { op_register_terminate, 1, "register_terminate" },
    { op_alpc_send_receive, 30, "alpc_send_receive" },
    { op_alpc_cancel, 3, "alpc_cancel" },
    { op_alpc_disconnect, 2, "alpc_disconnect" },
    { op_alpc_sections, 6, "alpc_sections" },
    { op_alpc_security, 3, "alpc_security" },
    { op_alpc_reserve, 2, "alpc_reserve" },
    { op_alpc_query, 3, "alpc_query" },
    { op_alpc_query_message, 3, "alpc_query_message" },
    { op_alpc_set, 2, "alpc_set" },
    { op_alpc_open_sender, 3, "alpc_open_sender" },
    { op_close, 4, "close" },
    { op_duplicate, 1, "duplicate" },
    { op_event, 1, "event" },
    { op_helpers, 1, "helpers" },
};

static ULONG op_mask = ~0u;   /* which operations run, for reducing a failure */

/* Reducing a failure: each operation draws from a generator of its own,
 * seeded by the thread's and its number, so leaving some out changes
 * nothing in the others.  FUZZ_KEEP=3,17,40 runs only those (of thread 0),
 * FUZZ_TRACE=1 prints each one as it starts. */
static unsigned int *keep_list, keep_count;

static BOOL keep_op( unsigned int n )
{
    unsigned int i;

    if (!keep_list) return TRUE;
    for (i = 0; i < keep_count; i++) if (keep_list[i] == n) return TRUE;
    return FALSE;
}

static void parse_keep( const char *str )
{
    const char *p;

    keep_list = malloc( (strlen( str ) / 2 + 2) * sizeof(*keep_list) );
    for (p = str; *p; p++)
    {
        if (p != str && p[-1] != ',') continue;
        keep_list[keep_count++] = atoi( p );
    }
}

static DWORD WINAPI worker_proc( void *arg )
{
    struct worker *w = arg;
    unsigned int total = 0, i, x;

    unsigned int n = 0, max_n = 0;
    rng_t r;

    for (i = 0; i < ARRAY_SIZE(ops); i++) if (op_mask & (1u << i)) total += ops[i].weight;
    if (!total) return 0;
    for (i = 0; keep_list && i < keep_count; i++) max_n = max( max_n, keep_list[i] + 1 );
    while (!stopping && calls_done < calls_target && (!keep_list || n < max_n))
    {
        r = w->rng ^ ((ULONG64)n * 0xd1b54a32d192ed03ull);
        next64( &r );
        x = rnd( &r, total );
        for (i = 0; ; i++)
        {
            if (!(op_mask & (1u << i))) continue;
            if (x < ops[i].weight) break;
            x -= ops[i].weight;
        }
        if (keep_op( n ))
        {
            if (trace_ops) { printf( "op %u: %s\n", n, ops[i].name ); fflush( stdout ); }
            ops[i].func( &r, w );
            if (trace_ops)
            {
                const PORT_MESSAGE *h = (const PORT_MESSAGE *)w->send;
                printf( "  last message built: len %d/%d type %#x info %d cid %p.%p id %lu cb %lu\n",
                        h->u1.s1.DataLength, h->u1.s1.TotalLength, (USHORT)h->u2.s2.Type, h->u2.s2.DataInfoOffset,
                        h->ClientId.UniqueProcess, h->ClientId.UniqueThread, h->MessageId, h->CallbackId );
                fflush( stdout );
            }
        }
        n++;
    }
    return 0;
}

static void start_worker( struct worker *w )
{
    w->blocking = 0;
    w->thread = CreateThread( NULL, 0x40000, worker_proc, w, 0, NULL );
}

/* ends workers stuck in a call without a timeout, and replaces them */
static DWORD WINAPI monitor_proc( void *arg )
{
    unsigned int i;

    while (!stopping)
    {
        Sleep( 20 );
        for (i = 0; i < nthreads; i++)
        {
            struct worker *w = workers[i];
            if (!stuck_ms || !w->blocking || GetTickCount() - w->since < stuck_ms) continue;
            if (!w->blocking) continue;
            TerminateThread( w->thread, 1 );
            WaitForSingleObject( w->thread, 1000 );
            CloseHandle( w->thread );
            InterlockedIncrement( &thread_kills );
            w->rng = seed ^ ((ULONG64)index_ << 48) ^ ((ULONG64)generation << 40) ^ ((ULONG64)i << 32) ^
                     (ULONG64)thread_kills * 0x9e3779b97f4a7c15ull;
            start_worker( w );
        }
    }
    return 0;
}

static void setup_guard(void)
{
    ALPC_MESSAGE_ATTRIBUTES *attrs;
    SIZE_T needed;
    DWORD old;

    guard = VirtualAlloc( NULL, 0x3000, MEM_RESERVE, PAGE_NOACCESS );
    VirtualAlloc( guard, 0x2000, MEM_COMMIT, PAGE_READWRITE );
    /* the read-only page starts with a valid attribute buffer for every attribute */
    attrs = (ALPC_MESSAGE_ATTRIBUTES *)(guard + 0x1000);
    AlpcInitializeMessageAttribute( ALPC_MESSAGE_ATTRIBUTE_ALL, attrs, 0x400, &needed );
    VirtualProtect( guard + 0x1000, 0x1000, PAGE_READONLY, &old );
}

static int probe(void)
{
    ALPC_PORT_ATTRIBUTES attrs;
    HANDLE port;
    NTSTATUS status;

    memset( &attrs, 0, sizeof(attrs) );
    attrs.MaxMessageLength = 0x200;
    status = NtAlpcCreatePort( &port, NULL, &attrs );
    if (status) printf( "probe failed %#lx\n", status );
    else
    {
        NtClose( port );
        printf( "probe ok\n" );
    }
    return status ? 1 : 0;
}

int main( int argc, char **argv )
{
    static struct worker worker_data[MAX_THREADS];
    DWORD start = GetTickCount();
    unsigned int i;

    if (argc == 2 && !strcmp( argv[1], "--probe" )) return probe();
    if (argc < 5)
    {
        fprintf( stderr, "usage: fuzz_ports SEED INDEX NPROCS CALLS [THREADS [GENERATION [OPMASK]]]\n" );
        return 2;
    }
    seed = _strtoui64( argv[1], NULL, 0 );
    index_ = atoi( argv[2] );
    nprocs = max( atoi( argv[3] ), 1 );
    calls_target = atol( argv[4] );
    if (argc > 5) nthreads = min( max( atoi( argv[5] ), 1 ), MAX_THREADS );
    if (argc > 6) generation = atoi( argv[6] );
    if (argc > 7) op_mask = strtoul( argv[7], NULL, 0 );

    /* for reducing a failure: FUZZ_STUCK_MS=0 never ends a stuck worker */
    if (getenv( "FUZZ_STUCK_MS" )) stuck_ms = atoi( getenv( "FUZZ_STUCK_MS" ));
    if (getenv( "FUZZ_WATCHDOG_MS" )) watchdog_ms = atoi( getenv( "FUZZ_WATCHDOG_MS" ));
    if (getenv( "FUZZ_KEEP" )) parse_keep( getenv( "FUZZ_KEEP" ));
    if (getenv( "FUZZ_TRACE" )) trace_ops = TRUE;
    setup_guard();
    for (i = 0; i < nthreads; i++)
    {
        workers[i] = &worker_data[i];
        worker_data[i].number = i;
        worker_data[i].rng = seed ^ ((ULONG64)index_ << 48) ^ ((ULONG64)generation << 40) ^ ((ULONG64)i << 32);
        start_worker( &worker_data[i] );
    }
    CloseHandle( CreateThread( NULL, 0, monitor_proc, NULL, 0, NULL ));

    while (calls_done < calls_target && GetTickCount() - start < watchdog_ms)
    {
        if (keep_list && !WaitForSingleObject( workers[0]->thread, 0 )) break;
        Sleep( 20 );
    }
    stopping = 1;
    for (i = 0; i < nthreads; i++)
        if (WaitForSingleObject( workers[i]->thread, 2000 )) break;
    printf( "done calls %ld thread-kills %ld%s\n", calls_done, thread_kills,
            calls_done < calls_target ? " (watchdog)" : "" );
    fflush( stdout );
    /* workers still inside a call end with the process */
    ExitProcess( 0 );
}
