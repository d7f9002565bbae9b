/*
 * Native NT port API: legacy LPC and ALPC
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
 * This header sits on top of one of two header sets:
 *
 *  - mingw-w64 (or any set without LPC types; winternl.h guard _WINTERNL_):
 *    everything is declared here with Windows' names and layouts.
 *
 *  - Wine's own headers (winternl.h guard __WINE_WINTERNL_H): Wine 8.0's
 *    winternl.h already has PORT_MESSAGE(_HEADER), LPC_MESSAGE,
 *    LPC_SECTION_WRITE/READ, PORT_INFORMATION_CLASS and most legacy Nt*Port
 *    prototypes.  Those are left alone and only the missing pieces are added.
 *    Note that Wine 8.0's PORT_MESSAGE is 0x20 bytes on x64 instead of 0x28
 *    (MessageId and SectionSize are plain ULONGs); a later patch to winternl.h
 *    fixes that layout, so nothing here may depend on sizeof(PORT_MESSAGE)
 *    when building against Wine's headers.
 *
 * Layouts are checked at compile time for both 32-bit and 64-bit targets.
 */

#ifndef __WINE_LPC_NTLPCAPI_H
#define __WINE_LPC_NTLPCAPI_H

#if !defined(__WINE_WINTERNL_H) && !defined(_WINTERNL_)
#include <winternl.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* lets nameless unions and 64-bit bit-fields through strict C89 gcc */
#if defined(__GNUC__) && !defined(__cplusplus)
#define __WINE_LPC_EXTENSION __extension__
#else
#define __WINE_LPC_EXTENSION
#endif

/* compile-time layout check that needs neither C11 nor C_ASSERT */
#define __WINE_LPC_ASSERT(name, cond) typedef char __wine_lpc_assert_##name[(cond) ? 1 : -1]
#define __WINE_LPC_SIZE(x64, x86) (sizeof(void *) == 8 ? (x64) : (x86))

/* completion list fields sit on separate cache lines */
#if defined(__aarch64__) || defined(_M_ARM64)
#define __WINE_LPC_CACHE_ALIGN DECLSPEC_ALIGN(128)
#else
#define __WINE_LPC_CACHE_ALIGN DECLSPEC_ALIGN(64)
#endif


/***********************************************************************
 * Status codes
 *
 * Spelled exactly as the matching ntstatus.h does, so including it later
 * does not redefine anything.
 */

#ifdef __WINE_WINTERNL_H

#ifndef STATUS_ALPC_CHECK_COMPLETION_LIST
#define STATUS_ALPC_CHECK_COMPLETION_LIST ((NTSTATUS) 0x40000030)
#endif
#ifndef STATUS_INVALID_PORT_ATTRIBUTES
#define STATUS_INVALID_PORT_ATTRIBUTES   ((NTSTATUS) 0xC000002E)
#endif
#ifndef STATUS_PORT_MESSAGE_TOO_LONG
#define STATUS_PORT_MESSAGE_TOO_LONG     ((NTSTATUS) 0xC000002F)
#endif
#ifndef STATUS_PORT_DO_NOT_DISTURB
#define STATUS_PORT_DO_NOT_DISTURB       ((NTSTATUS) 0xC0000036)
#endif
#ifndef STATUS_PORT_DISCONNECTED
#define STATUS_PORT_DISCONNECTED         ((NTSTATUS) 0xC0000037)
#endif
#ifndef STATUS_PORT_CONNECTION_REFUSED
#define STATUS_PORT_CONNECTION_REFUSED   ((NTSTATUS) 0xC0000041)
#endif
#ifndef STATUS_INVALID_PORT_HANDLE
#define STATUS_INVALID_PORT_HANDLE       ((NTSTATUS) 0xC0000042)
#endif
#ifndef STATUS_PORT_ALREADY_SET
#define STATUS_PORT_ALREADY_SET          ((NTSTATUS) 0xC0000048)
#endif
#ifndef STATUS_REPLY_MESSAGE_MISMATCH
#define STATUS_REPLY_MESSAGE_MISMATCH    ((NTSTATUS) 0xC000021F)
#endif
#ifndef STATUS_PORT_UNREACHABLE
#define STATUS_PORT_UNREACHABLE          ((NTSTATUS) 0xC000023F)
#endif
#ifndef STATUS_LPC_REPLY_LOST
#define STATUS_LPC_REPLY_LOST            ((NTSTATUS) 0xC0000253)
#endif
#ifndef STATUS_SERVER_SID_MISMATCH
#define STATUS_SERVER_SID_MISMATCH       ((NTSTATUS) 0xC00002A0)
#endif
#ifndef STATUS_PORT_NOT_SET
#define STATUS_PORT_NOT_SET              ((NTSTATUS) 0xC0000353)
#endif
#ifndef STATUS_PORT_CLOSED
#define STATUS_PORT_CLOSED                  ((NTSTATUS) 0xC0000700)
#endif
#ifndef STATUS_MESSAGE_LOST
#define STATUS_MESSAGE_LOST                 ((NTSTATUS) 0xC0000701)
#endif
#ifndef STATUS_INVALID_MESSAGE
#define STATUS_INVALID_MESSAGE              ((NTSTATUS) 0xC0000702)
#endif
#ifndef STATUS_REQUEST_CANCELED
#define STATUS_REQUEST_CANCELED             ((NTSTATUS) 0xC0000703)
#endif
#ifndef STATUS_RECURSIVE_DISPATCH
#define STATUS_RECURSIVE_DISPATCH           ((NTSTATUS) 0xC0000704)
#endif
#ifndef STATUS_LPC_RECEIVE_BUFFER_EXPECTED
#define STATUS_LPC_RECEIVE_BUFFER_EXPECTED  ((NTSTATUS) 0xC0000705)
#endif
#ifndef STATUS_LPC_INVALID_CONNECTION_USAGE
#define STATUS_LPC_INVALID_CONNECTION_USAGE ((NTSTATUS) 0xC0000706)
#endif
#ifndef STATUS_LPC_REQUESTS_NOT_ALLOWED
#define STATUS_LPC_REQUESTS_NOT_ALLOWED     ((NTSTATUS) 0xC0000707)
#endif
#ifndef STATUS_PORT_ALREADY_HAS_COMPLETION_LIST
#define STATUS_PORT_ALREADY_HAS_COMPLETION_LIST ((NTSTATUS) 0xC000071A)
#endif
#ifndef STATUS_LPC_HANDLE_COUNT_EXCEEDED
#define STATUS_LPC_HANDLE_COUNT_EXCEEDED    ((NTSTATUS) 0xC0000722)
#endif

#else  /* __WINE_WINTERNL_H */

#ifndef STATUS_ALPC_CHECK_COMPLETION_LIST
#define STATUS_ALPC_CHECK_COMPLETION_LIST ((NTSTATUS)0x40000030)
#endif
#ifndef STATUS_INVALID_PORT_ATTRIBUTES
#define STATUS_INVALID_PORT_ATTRIBUTES ((NTSTATUS)0xC000002E)
#endif
#ifndef STATUS_PORT_MESSAGE_TOO_LONG
#define STATUS_PORT_MESSAGE_TOO_LONG ((NTSTATUS)0xC000002F)
#endif
#ifndef STATUS_PORT_DO_NOT_DISTURB
#define STATUS_PORT_DO_NOT_DISTURB ((NTSTATUS)0xC0000036)
#endif
#ifndef STATUS_PORT_DISCONNECTED
#define STATUS_PORT_DISCONNECTED ((NTSTATUS)0xC0000037)
#endif
#ifndef STATUS_PORT_CONNECTION_REFUSED
#define STATUS_PORT_CONNECTION_REFUSED ((NTSTATUS)0xC0000041)
#endif
#ifndef STATUS_INVALID_PORT_HANDLE
#define STATUS_INVALID_PORT_HANDLE ((NTSTATUS)0xC0000042)
#endif
#ifndef STATUS_PORT_ALREADY_SET
#define STATUS_PORT_ALREADY_SET ((NTSTATUS)0xC0000048)
#endif
#ifndef STATUS_REPLY_MESSAGE_MISMATCH
#define STATUS_REPLY_MESSAGE_MISMATCH ((NTSTATUS)0xC000021F)
#endif
#ifndef STATUS_PORT_UNREACHABLE
#define STATUS_PORT_UNREACHABLE ((NTSTATUS)0xC000023F)
#endif
#ifndef STATUS_LPC_REPLY_LOST
#define STATUS_LPC_REPLY_LOST ((NTSTATUS)0xC0000253)
#endif
#ifndef STATUS_SERVER_SID_MISMATCH
#define STATUS_SERVER_SID_MISMATCH ((NTSTATUS)0xC00002A0)
#endif
#ifndef STATUS_PORT_NOT_SET
#define STATUS_PORT_NOT_SET ((NTSTATUS)0xC0000353)
#endif
#ifndef STATUS_PORT_CLOSED
#define STATUS_PORT_CLOSED ((NTSTATUS)0xC0000700)
#endif
#ifndef STATUS_MESSAGE_LOST
#define STATUS_MESSAGE_LOST ((NTSTATUS)0xC0000701)
#endif
#ifndef STATUS_INVALID_MESSAGE
#define STATUS_INVALID_MESSAGE ((NTSTATUS)0xC0000702)
#endif
#ifndef STATUS_REQUEST_CANCELED
#define STATUS_REQUEST_CANCELED ((NTSTATUS)0xC0000703)
#endif
#ifndef STATUS_RECURSIVE_DISPATCH
#define STATUS_RECURSIVE_DISPATCH ((NTSTATUS)0xC0000704)
#endif
#ifndef STATUS_LPC_RECEIVE_BUFFER_EXPECTED
#define STATUS_LPC_RECEIVE_BUFFER_EXPECTED ((NTSTATUS)0xC0000705)
#endif
#ifndef STATUS_LPC_INVALID_CONNECTION_USAGE
#define STATUS_LPC_INVALID_CONNECTION_USAGE ((NTSTATUS)0xC0000706)
#endif
#ifndef STATUS_LPC_REQUESTS_NOT_ALLOWED
#define STATUS_LPC_REQUESTS_NOT_ALLOWED ((NTSTATUS)0xC0000707)
#endif
#ifndef STATUS_PORT_ALREADY_HAS_COMPLETION_LIST
#define STATUS_PORT_ALREADY_HAS_COMPLETION_LIST ((NTSTATUS)0xC000071A)
#endif
#ifndef STATUS_LPC_HANDLE_COUNT_EXCEEDED
#define STATUS_LPC_HANDLE_COUNT_EXCEEDED ((NTSTATUS)0xC0000722)
#endif

#endif  /* __WINE_WINTERNL_H */


/***********************************************************************
 * Legacy LPC
 */

/* access rights of a port object */
#define PORT_CONNECT    0x0001
#define PORT_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | PORT_CONNECT)

/* the only object attribute NtCreatePort accepts */
#define PORT_VALID_OBJECT_ATTRIBUTES OBJ_CASE_INSENSITIVE

/* message types, in the low byte of PORT_MESSAGE.u2.s2.Type */
#define LPC_REQUEST             1
#define LPC_REPLY               2
#define LPC_DATAGRAM            3
#define LPC_LOST_REPLY          4
#define LPC_PORT_CLOSED         5
#define LPC_CLIENT_DIED         6
#define LPC_EXCEPTION           7
#define LPC_DEBUG_EVENT         8
#define LPC_ERROR_EVENT         9
#define LPC_CONNECTION_REQUEST  10
#define LPC_CONNECTION_REPLY    11  /* ALPC: asynchronous connect completed */
#define LPC_CANCELED            12  /* ALPC: a queued message was dropped */
#define LPC_UNREGISTER_PROCESS  13  /* uncertain: sources disagree on type 13 */

/* flag bits above the type byte; receivers compare (Type & 0xff) */
#define LPC_CONTINUATION_REQUIRED 0x2000  /* must be replied to or released */
#define LPC_NO_IMPERSONATE        ((SHORT)0x4000)
#define LPC_KERNELMODE_MESSAGE    ((SHORT)0x8000)

#ifdef _WIN64
#define PORT_MAXIMUM_MESSAGE_LENGTH 512
#else
#define PORT_MAXIMUM_MESSAGE_LENGTH 256
#endif

#define LPC_MAX_CONNECTION_INFO_SIZE (16 * sizeof(ULONG_PTR))

#ifndef __WINE_WINTERNL_H

/* Header of every LPC and ALPC message; DataLength bytes of payload follow it. */
typedef struct _PORT_MESSAGE
{
    union
    {
        struct
        {
            SHORT DataLength;   /* payload bytes */
            SHORT TotalLength;  /* header + payload */
        } s1;
        ULONG Length;
    } u1;
    union
    {
        struct
        {
            SHORT Type;           /* LPC_* in the low byte, flags above */
            SHORT DataInfoOffset; /* offset of a PORT_DATA_INFORMATION, or 0 */
        } s2;
        ULONG ZeroInit;
    } u2;
    __WINE_LPC_EXTENSION union
    {
        CLIENT_ID ClientId;       /* sender thread, set by the kernel */
        double DoNotUseThisField; /* keeps 8-byte alignment on 32-bit */
    };
    ULONG MessageId;
    __WINE_LPC_EXTENSION union
    {
        SIZE_T ClientViewSize;    /* in LPC_CONNECTION_REQUEST */
        ULONG CallbackId;         /* in LPC_REQUEST */
    };
} PORT_MESSAGE, *PPORT_MESSAGE;

__WINE_LPC_ASSERT(port_message_size, sizeof(PORT_MESSAGE) == __WINE_LPC_SIZE(0x28, 0x18));
__WINE_LPC_ASSERT(port_message_type, FIELD_OFFSET(PORT_MESSAGE, u2.s2.Type) == 4);
__WINE_LPC_ASSERT(port_message_datainfo, FIELD_OFFSET(PORT_MESSAGE, u2.s2.DataInfoOffset) == 6);
__WINE_LPC_ASSERT(port_message_clientid, FIELD_OFFSET(PORT_MESSAGE, ClientId) == 8);
__WINE_LPC_ASSERT(port_message_msgid, FIELD_OFFSET(PORT_MESSAGE, MessageId) == __WINE_LPC_SIZE(0x18, 0x10));
__WINE_LPC_ASSERT(port_message_viewsize, FIELD_OFFSET(PORT_MESSAGE, ClientViewSize) == __WINE_LPC_SIZE(0x20, 0x14));
__WINE_LPC_ASSERT(port_message_callback, FIELD_OFFSET(PORT_MESSAGE, CallbackId) == __WINE_LPC_SIZE(0x20, 0x14));

#define PORT_TOTAL_MAXIMUM_MESSAGE_LENGTH \
    ((PORT_MAXIMUM_MESSAGE_LENGTH + sizeof(PORT_MESSAGE) + LPC_MAX_CONNECTION_INFO_SIZE + 0xf) & ~(SIZE_T)0xf)

/* payload of LPC_CLIENT_DIED and LPC_PORT_CLOSED notifications */
typedef struct _LPC_CLIENT_DIED_MSG
{
    PORT_MESSAGE PortMsg;
    LARGE_INTEGER CreateTime;
} LPC_CLIENT_DIED_MSG, *PLPC_CLIENT_DIED_MSG;

typedef enum _PORT_INFORMATION_CLASS
{
    PortBasicInformation,
    PortDumpInformation
} PORT_INFORMATION_CLASS;

#endif  /* __WINE_WINTERNL_H */

/* client memory ranges that NtReadRequestData/NtWriteRequestData may access */
typedef struct _PORT_DATA_ENTRY
{
    PVOID Base;
    ULONG Size;
} PORT_DATA_ENTRY, *PPORT_DATA_ENTRY;

typedef struct _PORT_DATA_INFORMATION
{
    ULONG CountDataEntries;
    PORT_DATA_ENTRY DataEntries[1];
} PORT_DATA_INFORMATION, *PPORT_DATA_INFORMATION;

__WINE_LPC_ASSERT(port_data_entry_size, sizeof(PORT_DATA_ENTRY) == __WINE_LPC_SIZE(0x10, 0x08));
__WINE_LPC_ASSERT(port_data_info_entries, FIELD_OFFSET(PORT_DATA_INFORMATION, DataEntries) == __WINE_LPC_SIZE(8, 4));

/* Section shared by the connecting client.  Wine 8.0 calls this
 * LPC_SECTION_WRITE but declares ViewSize as ULONG, the 32-bit layout. */
typedef struct _PORT_VIEW
{
    ULONG Length;           /* sizeof(PORT_VIEW) */
    HANDLE SectionHandle;
    ULONG SectionOffset;
    SIZE_T ViewSize;
    PVOID ViewBase;         /* in the caller */
    PVOID ViewRemoteBase;   /* in the peer */
} PORT_VIEW, *PPORT_VIEW;

/* The peer's section as mapped in the caller (Wine 8.0: LPC_SECTION_READ). */
typedef struct _REMOTE_PORT_VIEW
{
    ULONG Length;           /* sizeof(REMOTE_PORT_VIEW) */
    SIZE_T ViewSize;
    PVOID ViewBase;
} REMOTE_PORT_VIEW, *PREMOTE_PORT_VIEW;

__WINE_LPC_ASSERT(port_view_size, sizeof(PORT_VIEW) == __WINE_LPC_SIZE(0x30, 0x18));
__WINE_LPC_ASSERT(port_view_viewsize, FIELD_OFFSET(PORT_VIEW, ViewSize) == __WINE_LPC_SIZE(0x18, 0x0c));
__WINE_LPC_ASSERT(remote_port_view_size, sizeof(REMOTE_PORT_VIEW) == __WINE_LPC_SIZE(0x18, 0x0c));

/* Output of NtQueryInformationPort(PortBasicInformation).  No public source
 * describes its contents, so it stays an incomplete type. */
typedef struct _PORT_BASIC_INFORMATION PORT_BASIC_INFORMATION, *PPORT_BASIC_INFORMATION;

/* Wine's winternl.h lacks it as well */
NTSYSAPI NTSTATUS NTAPI NtQueryPortInformationProcess(void);

#ifndef __WINE_WINTERNL_H

NTSYSAPI NTSTATUS NTAPI NtAcceptConnectPort(PHANDLE PortHandle, PVOID PortContext, PPORT_MESSAGE ConnectionRequest,
                                            BOOLEAN AcceptConnection, PPORT_VIEW ServerView, PREMOTE_PORT_VIEW ClientView);
NTSYSAPI NTSTATUS NTAPI NtCompleteConnectPort(HANDLE PortHandle);
NTSYSAPI NTSTATUS NTAPI NtConnectPort(PHANDLE PortHandle, PUNICODE_STRING PortName, PSECURITY_QUALITY_OF_SERVICE SecurityQos,
                                      PPORT_VIEW ClientView, PREMOTE_PORT_VIEW ServerView, PULONG MaxMessageLength,
                                      PVOID ConnectionInformation, PULONG ConnectionInformationLength);
NTSYSAPI NTSTATUS NTAPI NtCreatePort(PHANDLE PortHandle, POBJECT_ATTRIBUTES ObjectAttributes, ULONG MaxConnectionInfoLength,
                                     ULONG MaxMessageLength, ULONG MaxPoolUsage);
NTSYSAPI NTSTATUS NTAPI NtImpersonateClientOfPort(HANDLE PortHandle, PPORT_MESSAGE Message);
NTSYSAPI NTSTATUS NTAPI NtListenPort(HANDLE PortHandle, PPORT_MESSAGE ConnectionRequest);
NTSYSAPI NTSTATUS NTAPI NtQueryInformationPort(HANDLE PortHandle, PORT_INFORMATION_CLASS PortInformationClass,
                                               PVOID PortInformation, ULONG Length, PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI NtReadRequestData(HANDLE PortHandle, PPORT_MESSAGE Message, ULONG DataEntryIndex,
                                          PVOID Buffer, SIZE_T BufferSize, PSIZE_T NumberOfBytesRead);
NTSYSAPI NTSTATUS NTAPI NtRegisterThreadTerminatePort(HANDLE PortHandle);
NTSYSAPI NTSTATUS NTAPI NtReplyPort(HANDLE PortHandle, PPORT_MESSAGE ReplyMessage);
NTSYSAPI NTSTATUS NTAPI NtReplyWaitReceivePort(HANDLE PortHandle, PVOID *PortContext, PPORT_MESSAGE ReplyMessage,
                                               PPORT_MESSAGE ReceiveMessage);
NTSYSAPI NTSTATUS NTAPI NtReplyWaitReceivePortEx(HANDLE PortHandle, PVOID *PortContext, PPORT_MESSAGE ReplyMessage,
                                                 PPORT_MESSAGE ReceiveMessage, PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI NtReplyWaitReplyPort(HANDLE PortHandle, PPORT_MESSAGE ReplyMessage);
NTSYSAPI NTSTATUS NTAPI NtRequestPort(HANDLE PortHandle, PPORT_MESSAGE RequestMessage);
NTSYSAPI NTSTATUS NTAPI NtRequestWaitReplyPort(HANDLE PortHandle, PPORT_MESSAGE RequestMessage, PPORT_MESSAGE ReplyMessage);
NTSYSAPI NTSTATUS NTAPI NtSecureConnectPort(PHANDLE PortHandle, PUNICODE_STRING PortName, PSECURITY_QUALITY_OF_SERVICE SecurityQos,
                                            PPORT_VIEW ClientView, PSID RequiredServerSid, PREMOTE_PORT_VIEW ServerView,
                                            PULONG MaxMessageLength, PVOID ConnectionInformation,
                                            PULONG ConnectionInformationLength);
NTSYSAPI NTSTATUS NTAPI NtSetDefaultHardErrorPort(HANDLE DefaultHardErrorPort);
NTSYSAPI NTSTATUS NTAPI NtWriteRequestData(HANDLE PortHandle, PPORT_MESSAGE Message, ULONG DataEntryIndex,
                                           PVOID Buffer, SIZE_T BufferSize, PSIZE_T NumberOfBytesWritten);

NTSYSAPI NTSTATUS NTAPI ZwAcceptConnectPort(PHANDLE PortHandle, PVOID PortContext, PPORT_MESSAGE ConnectionRequest,
                                            BOOLEAN AcceptConnection, PPORT_VIEW ServerView, PREMOTE_PORT_VIEW ClientView);
NTSYSAPI NTSTATUS NTAPI ZwCompleteConnectPort(HANDLE PortHandle);
NTSYSAPI NTSTATUS NTAPI ZwConnectPort(PHANDLE PortHandle, PUNICODE_STRING PortName, PSECURITY_QUALITY_OF_SERVICE SecurityQos,
                                      PPORT_VIEW ClientView, PREMOTE_PORT_VIEW ServerView, PULONG MaxMessageLength,
                                      PVOID ConnectionInformation, PULONG ConnectionInformationLength);
NTSYSAPI NTSTATUS NTAPI ZwCreatePort(PHANDLE PortHandle, POBJECT_ATTRIBUTES ObjectAttributes, ULONG MaxConnectionInfoLength,
                                     ULONG MaxMessageLength, ULONG MaxPoolUsage);
NTSYSAPI NTSTATUS NTAPI ZwImpersonateClientOfPort(HANDLE PortHandle, PPORT_MESSAGE Message);
NTSYSAPI NTSTATUS NTAPI ZwListenPort(HANDLE PortHandle, PPORT_MESSAGE ConnectionRequest);
NTSYSAPI NTSTATUS NTAPI ZwQueryInformationPort(HANDLE PortHandle, PORT_INFORMATION_CLASS PortInformationClass,
                                               PVOID PortInformation, ULONG Length, PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI ZwReadRequestData(HANDLE PortHandle, PPORT_MESSAGE Message, ULONG DataEntryIndex,
                                          PVOID Buffer, SIZE_T BufferSize, PSIZE_T NumberOfBytesRead);
NTSYSAPI NTSTATUS NTAPI ZwRegisterThreadTerminatePort(HANDLE PortHandle);
NTSYSAPI NTSTATUS NTAPI ZwReplyPort(HANDLE PortHandle, PPORT_MESSAGE ReplyMessage);
NTSYSAPI NTSTATUS NTAPI ZwReplyWaitReceivePort(HANDLE PortHandle, PVOID *PortContext, PPORT_MESSAGE ReplyMessage,
                                               PPORT_MESSAGE ReceiveMessage);
NTSYSAPI NTSTATUS NTAPI ZwReplyWaitReceivePortEx(HANDLE PortHandle, PVOID *PortContext, PPORT_MESSAGE ReplyMessage,
                                                 PPORT_MESSAGE ReceiveMessage, PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI ZwReplyWaitReplyPort(HANDLE PortHandle, PPORT_MESSAGE ReplyMessage);
NTSYSAPI NTSTATUS NTAPI ZwRequestPort(HANDLE PortHandle, PPORT_MESSAGE RequestMessage);
NTSYSAPI NTSTATUS NTAPI ZwRequestWaitReplyPort(HANDLE PortHandle, PPORT_MESSAGE RequestMessage, PPORT_MESSAGE ReplyMessage);
NTSYSAPI NTSTATUS NTAPI ZwSecureConnectPort(PHANDLE PortHandle, PUNICODE_STRING PortName, PSECURITY_QUALITY_OF_SERVICE SecurityQos,
                                            PPORT_VIEW ClientView, PSID RequiredServerSid, PREMOTE_PORT_VIEW ServerView,
                                            PULONG MaxMessageLength, PVOID ConnectionInformation,
                                            PULONG ConnectionInformationLength);
NTSYSAPI NTSTATUS NTAPI ZwSetDefaultHardErrorPort(HANDLE DefaultHardErrorPort);
NTSYSAPI NTSTATUS NTAPI ZwWriteRequestData(HANDLE PortHandle, PPORT_MESSAGE Message, ULONG DataEntryIndex,
                                           PVOID Buffer, SIZE_T BufferSize, PSIZE_T NumberOfBytesWritten);

#endif  /* __WINE_WINTERNL_H */

/* Missing from every Wine 8.0 header.  With Wine's headers the Zw forms of
 * the other legacy calls are left out: winternl.h declares no Zw* at all,
 * ddk/wdm.h declares three, and they would have to repeat the types of Wine's
 * Nt* prototypes, which the winternl.h fix will change. */
NTSYSAPI NTSTATUS NTAPI NtCreateWaitablePort(PHANDLE PortHandle, POBJECT_ATTRIBUTES ObjectAttributes,
                                             ULONG MaxConnectionInfoLength, ULONG MaxMessageLength, ULONG MaxPoolUsage);
NTSYSAPI NTSTATUS NTAPI ZwCreateWaitablePort(PHANDLE PortHandle, POBJECT_ATTRIBUTES ObjectAttributes,
                                             ULONG MaxConnectionInfoLength, ULONG MaxMessageLength, ULONG MaxPoolUsage);


/***********************************************************************
 * ALPC
 */

/* kernel-side handle of an ALPC section, view, security context or
 * reserve; not an object manager handle, never pass it to NtClose */
typedef HANDLE ALPC_HANDLE, *PALPC_HANDLE;

/* ALPC_PORT_ATTRIBUTES.Flags */
#define ALPC_PORFLG_LPC_MODE                    0x00001000  /* set by the kernel on NtCreatePort ports */
#define ALPC_PORFLG_ALLOW_IMPERSONATION         0x00010000
#define ALPC_PORFLG_ALLOW_LPC_REQUESTS          0x00020000
#define ALPC_PORFLG_WAITABLE_PORT               0x00040000
#define ALPC_PORFLG_ALLOW_DUP_OBJECT            0x00080000
#define ALPC_PORFLG_SYSTEM_PROCESS              0x00100000  /* kernel only */
#define ALPC_PORFLG_WAKE_POLICY1                0x00200000
#define ALPC_PORFLG_WAKE_POLICY2                0x00400000
#define ALPC_PORFLG_WAKE_POLICY3                0x00800000
#define ALPC_PORFLG_DIRECT_MESSAGE              0x01000000
#define ALPC_PORFLG_ALLOW_MULTIHANDLE_ATTRIBUTE 0x02000000

/* ALPC_PORT_ATTRIBUTES.DupObjectTypes: objects that may travel in a handle attribute */
#define ALPC_PORFLG_OBJECT_TYPE_FILE        0x0001
#define ALPC_PORFLG_OBJECT_TYPE_INVALID     0x0002
#define ALPC_PORFLG_OBJECT_TYPE_THREAD      0x0004
#define ALPC_PORFLG_OBJECT_TYPE_SEMAPHORE   0x0008
#define ALPC_PORFLG_OBJECT_TYPE_EVENT       0x0010
#define ALPC_PORFLG_OBJECT_TYPE_PROCESS     0x0020
#define ALPC_PORFLG_OBJECT_TYPE_MUTEX       0x0040
#define ALPC_PORFLG_OBJECT_TYPE_SECTION     0x0080
#define ALPC_PORFLG_OBJECT_TYPE_REGKEY      0x0100
#define ALPC_PORFLG_OBJECT_TYPE_TOKEN       0x0200
#define ALPC_PORFLG_OBJECT_TYPE_COMPOSITION 0x0400
#define ALPC_PORFLG_OBJECT_TYPE_JOB         0x0800
#define ALPC_PORFLG_OBJECT_TYPE_ALL         0x0ffd  /* every valid type bit */

typedef struct _ALPC_PORT_ATTRIBUTES
{
    ULONG Flags;
    SECURITY_QUALITY_OF_SERVICE SecurityQos;
    SIZE_T MaxMessageLength;    /* total length, header included */
    SIZE_T MemoryBandwidth;
    SIZE_T MaxPoolUsage;
    SIZE_T MaxSectionSize;
    SIZE_T MaxViewSize;
    SIZE_T MaxTotalSectionSize;
    ULONG DupObjectTypes;
#ifdef _WIN64
    ULONG Reserved;
#endif
} ALPC_PORT_ATTRIBUTES, *PALPC_PORT_ATTRIBUTES;

__WINE_LPC_ASSERT(alpc_port_attributes_size, sizeof(ALPC_PORT_ATTRIBUTES) == __WINE_LPC_SIZE(0x48, 0x2c));
__WINE_LPC_ASSERT(alpc_port_attributes_maxmsg, FIELD_OFFSET(ALPC_PORT_ATTRIBUTES, MaxMessageLength) == __WINE_LPC_SIZE(0x10, 0x10));
__WINE_LPC_ASSERT(alpc_port_attributes_dup, FIELD_OFFSET(ALPC_PORT_ATTRIBUTES, DupObjectTypes) == __WINE_LPC_SIZE(0x40, 0x28));

/* NtAlpcConnectPort flags */
#define ALPC_SYNC_CONNECTION   0x00020000  /* wait until the server accepts or refuses */
#define ALPC_USER_WAIT_MODE    0x00100000
#define ALPC_WAIT_IS_ALERTABLE 0x00200000

/* NtAlpcSendWaitReceivePort flags */
#define ALPC_MSGFLG_REPLY_MESSAGE         0x00000001
#define ALPC_MSGFLG_LPC_MODE              0x00000002
#define ALPC_MSGFLG_RELEASE_MESSAGE       0x00010000  /* datagram, or release the request replied to */
#define ALPC_MSGFLG_SYNC_REQUEST          0x00020000  /* wait for the reply to this message */
#define ALPC_MSGFLG_TRACK_PORT_REFERENCES 0x00040000
#define ALPC_MSGFLG_WAIT_USER_MODE        0x00100000
#define ALPC_MSGFLG_WAIT_ALERTABLE        0x00200000
#define ALPC_MSGFLG_WAIT_CHARGE_POLICY    0x00400000
#define ALPC_MSGFLG_WOW64_CALL            0x80000000  /* uncertain: one source gives 0x40000000 */

/* NtAlpcCancelMessage flags */
#define ALPC_CANCELFLG_TRY_CANCEL       0x00000001
#define ALPC_CANCELFLG_NO_CONTEXT_CHECK 0x00000008
#define ALPC_CANCELFLGP_FLUSH           0x00010000

/* NtAlpcImpersonateClientOfPort flags; the required level goes in bits 2 and up */
#define ALPC_IMPERSONATEFLG_ANONYMOUS           0x00000001
#define ALPC_IMPERSONATEFLG_REQUIRE_IMPERSONATE 0x00000002

/* NtAlpcCreatePortSection flags */
#define ALPC_CREATEPORTSECTIONFLG_SECURE 0x00040000

/* message attribute blocks; they follow ALPC_MESSAGE_ATTRIBUTES in this order */
#define ALPC_MESSAGE_SECURITY_ATTRIBUTE       0x80000000
#define ALPC_MESSAGE_VIEW_ATTRIBUTE           0x40000000
#define ALPC_MESSAGE_CONTEXT_ATTRIBUTE        0x20000000
#define ALPC_MESSAGE_HANDLE_ATTRIBUTE         0x10000000
#define ALPC_MESSAGE_TOKEN_ATTRIBUTE          0x08000000
#define ALPC_MESSAGE_DIRECT_ATTRIBUTE         0x04000000
#define ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE 0x02000000
#define ALPC_MESSAGE_ATTRIBUTE_ALL            0xfe000000

typedef struct _ALPC_MESSAGE_ATTRIBUTES
{
    ULONG AllocatedAttributes;  /* blocks present in the buffer */
    ULONG ValidAttributes;      /* blocks holding data */
} ALPC_MESSAGE_ATTRIBUTES, *PALPC_MESSAGE_ATTRIBUTES;

/* ALPC_SECURITY_ATTR.Flags */
#define ALPC_SECFLG_CREATE_HANDLE   0x00020000
#define ALPC_SECFLG_NOSECTIONHANDLE 0x00040000  /* uncertain */

typedef struct _ALPC_SECURITY_ATTR
{
    ULONG Flags;
    PSECURITY_QUALITY_OF_SERVICE QoS;
    ALPC_HANDLE ContextHandle;
} ALPC_SECURITY_ATTR, *PALPC_SECURITY_ATTR;

/* ALPC_DATA_VIEW_ATTR.Flags */
#define ALPC_VIEWFLG_UNMAP_EXISTING 0x00010000
#define ALPC_VIEWFLG_AUTO_RELEASE   0x00020000
#define ALPC_VIEWFLG_NOT_SECURE     0x00040000  /* name as in phnt; Microsoft code calls this bit "secure" */
#define ALPC_VIEWFLG_SECURED_ACCESS 0x00040000  /* openvmm's name: the receiver's view cannot change */

typedef struct _ALPC_DATA_VIEW_ATTR
{
    ULONG Flags;
    ALPC_HANDLE SectionHandle;
    PVOID ViewBase;             /* NULL on input */
    SIZE_T ViewSize;
} ALPC_DATA_VIEW_ATTR, *PALPC_DATA_VIEW_ATTR;

typedef struct _ALPC_CONTEXT_ATTR
{
    PVOID PortContext;          /* as given to NtAlpcAcceptConnectPort */
    PVOID MessageContext;
    ULONG Sequence;
    ULONG MessageId;
    ULONG CallbackId;
} ALPC_CONTEXT_ATTR, *PALPC_CONTEXT_ATTR;

/* ALPC_HANDLE_ATTR.Flags */
#define ALPC_HANDLEFLG_DUPLICATE_SAME_ACCESS     0x00010000
#define ALPC_HANDLEFLG_DUPLICATE_SAME_ATTRIBUTES 0x00020000
#define ALPC_HANDLEFLG_INDIRECT                  0x00040000  /* HandleAttrArray of HandleCount entries */
#define ALPC_HANDLEFLG_DUPLICATE_INHERIT         0x00080000

/* one entry of an indirect (multi-handle) attribute */
typedef struct _ALPC_HANDLE_ATTR32
{
    ULONG Flags;
    ULONG Handle;
    ULONG ObjectType;           /* ALPC_PORFLG_OBJECT_TYPE_* */
    ACCESS_MASK DesiredAccess;
} ALPC_HANDLE_ATTR32, *PALPC_HANDLE_ATTR32;

typedef struct _ALPC_HANDLE_ATTR
{
    ULONG Flags;
    __WINE_LPC_EXTENSION union
    {
        HANDLE Handle;
        PALPC_HANDLE_ATTR32 HandleAttrArray;
    };
    __WINE_LPC_EXTENSION union
    {
        ULONG ObjectType;       /* ALPC_PORFLG_OBJECT_TYPE_* */
        ULONG HandleCount;
    };
    __WINE_LPC_EXTENSION union
    {
        ACCESS_MASK DesiredAccess;
        ACCESS_MASK GrantedAccess;
    };
} ALPC_HANDLE_ATTR, *PALPC_HANDLE_ATTR;

typedef struct _ALPC_TOKEN_ATTR
{
    LUID TokenId;
    LUID AuthenticationId;
    LUID ModifiedId;
} ALPC_TOKEN_ATTR, *PALPC_TOKEN_ATTR;

typedef struct _ALPC_DIRECT_ATTR
{
    HANDLE Event;
} ALPC_DIRECT_ATTR, *PALPC_DIRECT_ATTR;

typedef struct _ALPC_WORK_ON_BEHALF_TICKET
{
    ULONG ThreadId;
    ULONG ThreadCreationTimeLow;
} ALPC_WORK_ON_BEHALF_TICKET, *PALPC_WORK_ON_BEHALF_TICKET;

typedef struct _ALPC_WORK_ON_BEHALF_ATTR
{
    ALPC_WORK_ON_BEHALF_TICKET Ticket;
} ALPC_WORK_ON_BEHALF_ATTR, *PALPC_WORK_ON_BEHALF_ATTR;

__WINE_LPC_ASSERT(alpc_message_attributes_size, sizeof(ALPC_MESSAGE_ATTRIBUTES) == 8);
__WINE_LPC_ASSERT(alpc_security_attr_size, sizeof(ALPC_SECURITY_ATTR) == __WINE_LPC_SIZE(0x18, 0x0c));
__WINE_LPC_ASSERT(alpc_data_view_attr_size, sizeof(ALPC_DATA_VIEW_ATTR) == __WINE_LPC_SIZE(0x20, 0x10));
__WINE_LPC_ASSERT(alpc_context_attr_size, sizeof(ALPC_CONTEXT_ATTR) == __WINE_LPC_SIZE(0x20, 0x14));
__WINE_LPC_ASSERT(alpc_handle_attr32_size, sizeof(ALPC_HANDLE_ATTR32) == 0x10);
__WINE_LPC_ASSERT(alpc_handle_attr_size, sizeof(ALPC_HANDLE_ATTR) == __WINE_LPC_SIZE(0x18, 0x10));
__WINE_LPC_ASSERT(alpc_handle_attr_type, FIELD_OFFSET(ALPC_HANDLE_ATTR, ObjectType) == __WINE_LPC_SIZE(0x10, 0x08));
__WINE_LPC_ASSERT(alpc_token_attr_size, sizeof(ALPC_TOKEN_ATTR) == 0x18);
__WINE_LPC_ASSERT(alpc_direct_attr_size, sizeof(ALPC_DIRECT_ATTR) == __WINE_LPC_SIZE(0x08, 0x04));
__WINE_LPC_ASSERT(alpc_work_on_behalf_attr_size, sizeof(ALPC_WORK_ON_BEHALF_ATTR) == 8);

/* completion list: a user buffer the kernel writes received messages into */
#define ALPC_COMPLETION_LIST_BUFFER_GRANULARITY_MASK 0x3f

__WINE_LPC_EXTENSION typedef struct _ALPC_COMPLETION_LIST_STATE
{
    union
    {
        struct
        {
            ULONG64 Head : 24;
            ULONG64 Tail : 24;
            ULONG64 ActiveThreadCount : 16;
        } s1;
        ULONG64 Value;
    } u1;
} ALPC_COMPLETION_LIST_STATE, *PALPC_COMPLETION_LIST_STATE;

/* The counters sit on separate cache lines.  Public layouts show 64-byte
 * spacing on x86 and x64; 128 is assumed for ARM64. */
typedef struct _ALPC_COMPLETION_LIST_HEADER
{
    ULONG64 StartMagic;
    ULONG TotalSize;
    ULONG ListOffset;
    ULONG ListSize;
    ULONG BitmapOffset;
    ULONG BitmapSize;
    ULONG DataOffset;
    ULONG DataSize;
    ULONG AttributeFlags;
    ULONG AttributeSize;
    __WINE_LPC_CACHE_ALIGN ALPC_COMPLETION_LIST_STATE State;
    ULONG LastMessageId;
    ULONG LastCallbackId;
    __WINE_LPC_CACHE_ALIGN ULONG PostCount;
    __WINE_LPC_CACHE_ALIGN ULONG ReturnCount;
    __WINE_LPC_CACHE_ALIGN ULONG LogSequenceNumber;
    __WINE_LPC_CACHE_ALIGN RTL_SRWLOCK UserLock;
    ULONG64 EndMagic;
} ALPC_COMPLETION_LIST_HEADER, *PALPC_COMPLETION_LIST_HEADER;

#if !defined(__aarch64__) && !defined(_M_ARM64)
__WINE_LPC_ASSERT(alpc_completion_list_state, FIELD_OFFSET(ALPC_COMPLETION_LIST_HEADER, State) == 0x40);
__WINE_LPC_ASSERT(alpc_completion_list_lock, FIELD_OFFSET(ALPC_COMPLETION_LIST_HEADER, UserLock) == 0x140);
__WINE_LPC_ASSERT(alpc_completion_list_end, FIELD_OFFSET(ALPC_COMPLETION_LIST_HEADER, EndMagic) == 0x148);
__WINE_LPC_ASSERT(alpc_completion_list_size, sizeof(ALPC_COMPLETION_LIST_HEADER) == 0x180);
#endif

typedef enum _ALPC_PORT_INFORMATION_CLASS
{
    AlpcBasicInformation,                                /* q: ALPC_BASIC_INFORMATION */
    AlpcPortInformation,                                 /* s: ALPC_PORT_ATTRIBUTES */
    AlpcAssociateCompletionPortInformation,              /* s: ALPC_PORT_ASSOCIATE_COMPLETION_PORT */
    AlpcConnectedSIDInformation,                         /* q: SID to compare with the peer */
    AlpcServerInformation,                               /* q: ALPC_SERVER_INFORMATION */
    AlpcMessageZoneInformation,                          /* s: ALPC_PORT_MESSAGE_ZONE_INFORMATION */
    AlpcRegisterCompletionListInformation,               /* s: ALPC_PORT_COMPLETION_LIST_INFORMATION */
    AlpcUnregisterCompletionListInformation,             /* s: nothing */
    AlpcAdjustCompletionListConcurrencyCountInformation, /* s: ULONG */
    AlpcRegisterCallbackInformation,                     /* kernel mode only */
    AlpcCompletionListRundownInformation,                /* s: nothing */
    AlpcWaitForPortReferences,
    AlpcServerSessionInformation                         /* q: ALPC_SERVER_SESSION_INFORMATION */
} ALPC_PORT_INFORMATION_CLASS;

typedef struct _ALPC_BASIC_INFORMATION
{
    ULONG Flags;
    ULONG SequenceNo;
    PVOID PortContext;
} ALPC_BASIC_INFORMATION, *PALPC_BASIC_INFORMATION;

typedef struct _ALPC_PORT_ASSOCIATE_COMPLETION_PORT
{
    PVOID CompletionKey;
    HANDLE CompletionPort;
} ALPC_PORT_ASSOCIATE_COMPLETION_PORT, *PALPC_PORT_ASSOCIATE_COMPLETION_PORT;

__WINE_LPC_EXTENSION typedef struct _ALPC_SERVER_INFORMATION
{
    __WINE_LPC_EXTENSION union
    {
        struct
        {
            HANDLE ThreadHandle;
        } In;
        struct
        {
            BOOLEAN ThreadBlocked;
            HANDLE ConnectedProcessId;
            UNICODE_STRING ConnectionPortName;
        } Out;
    };
} ALPC_SERVER_INFORMATION, *PALPC_SERVER_INFORMATION;

typedef struct _ALPC_PORT_MESSAGE_ZONE_INFORMATION
{
    PVOID Buffer;
    ULONG Size;
} ALPC_PORT_MESSAGE_ZONE_INFORMATION, *PALPC_PORT_MESSAGE_ZONE_INFORMATION;

typedef struct _ALPC_PORT_COMPLETION_LIST_INFORMATION
{
    PVOID Buffer;               /* ALPC_COMPLETION_LIST_HEADER */
    ULONG Size;
    ULONG ConcurrencyCount;
    ULONG AttributeFlags;
} ALPC_PORT_COMPLETION_LIST_INFORMATION, *PALPC_PORT_COMPLETION_LIST_INFORMATION;

typedef struct _ALPC_SERVER_SESSION_INFORMATION
{
    ULONG SessionId;
    ULONG ProcessId;
} ALPC_SERVER_SESSION_INFORMATION, *PALPC_SERVER_SESSION_INFORMATION;

__WINE_LPC_ASSERT(alpc_basic_information_size, sizeof(ALPC_BASIC_INFORMATION) == __WINE_LPC_SIZE(0x10, 0x0c));
__WINE_LPC_ASSERT(alpc_associate_completion_port_size, sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) == __WINE_LPC_SIZE(0x10, 0x08));
__WINE_LPC_ASSERT(alpc_server_information_size, sizeof(ALPC_SERVER_INFORMATION) == __WINE_LPC_SIZE(0x20, 0x10));
__WINE_LPC_ASSERT(alpc_completion_list_information_size, sizeof(ALPC_PORT_COMPLETION_LIST_INFORMATION) == __WINE_LPC_SIZE(0x18, 0x10));

typedef enum _ALPC_MESSAGE_INFORMATION_CLASS
{
    AlpcMessageSidInformation,              /* sender's SID */
    AlpcMessageTokenModifiedIdInformation,  /* LUID */
    AlpcMessageDirectStatusInformation,     /* status is the call's result */
    AlpcMessageHandleInformation,           /* ALPC_MESSAGE_HANDLE_INFORMATION */
    MaxAlpcMessageInfoClass
} ALPC_MESSAGE_INFORMATION_CLASS, *PALPC_MESSAGE_INFORMATION_CLASS;

typedef struct _ALPC_MESSAGE_HANDLE_INFORMATION
{
    ULONG Index;                /* in: which handle of the attribute */
    ULONG Flags;
    ULONG Handle;               /* out: now valid in the caller */
    ULONG ObjectType;
    ACCESS_MASK GrantedAccess;
} ALPC_MESSAGE_HANDLE_INFORMATION, *PALPC_MESSAGE_HANDLE_INFORMATION;

__WINE_LPC_ASSERT(alpc_message_handle_information_size, sizeof(ALPC_MESSAGE_HANDLE_INFORMATION) == 0x14);

/* system calls */
NTSYSAPI NTSTATUS NTAPI NtAlpcAcceptConnectPort(PHANDLE PortHandle, HANDLE ConnectionPortHandle, ULONG Flags,
                                                POBJECT_ATTRIBUTES ObjectAttributes, PALPC_PORT_ATTRIBUTES PortAttributes,
                                                PVOID PortContext, PPORT_MESSAGE ConnectionRequest,
                                                PALPC_MESSAGE_ATTRIBUTES ConnectionMessageAttributes,
                                                BOOLEAN AcceptConnection);
NTSYSAPI NTSTATUS NTAPI NtAlpcCancelMessage(HANDLE PortHandle, ULONG Flags, PALPC_CONTEXT_ATTR MessageContext);
NTSYSAPI NTSTATUS NTAPI NtAlpcConnectPort(PHANDLE PortHandle, PUNICODE_STRING PortName, POBJECT_ATTRIBUTES ObjectAttributes,
                                          PALPC_PORT_ATTRIBUTES PortAttributes, ULONG Flags, PSID RequiredServerSid,
                                          PPORT_MESSAGE ConnectionMessage, PSIZE_T BufferLength,
                                          PALPC_MESSAGE_ATTRIBUTES OutMessageAttributes,
                                          PALPC_MESSAGE_ATTRIBUTES InMessageAttributes, PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI NtAlpcConnectPortEx(PHANDLE PortHandle, POBJECT_ATTRIBUTES ConnectionPortObjectAttributes,
                                            POBJECT_ATTRIBUTES ClientPortObjectAttributes,
                                            PALPC_PORT_ATTRIBUTES PortAttributes, ULONG Flags,
                                            PSECURITY_DESCRIPTOR ServerSecurityRequirements,
                                            PPORT_MESSAGE ConnectionMessage, PSIZE_T BufferLength,
                                            PALPC_MESSAGE_ATTRIBUTES OutMessageAttributes,
                                            PALPC_MESSAGE_ATTRIBUTES InMessageAttributes, PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI NtAlpcCreatePort(PHANDLE PortHandle, POBJECT_ATTRIBUTES ObjectAttributes,
                                         PALPC_PORT_ATTRIBUTES PortAttributes);
NTSYSAPI NTSTATUS NTAPI NtAlpcCreatePortSection(HANDLE PortHandle, ULONG Flags, HANDLE SectionHandle, SIZE_T SectionSize,
                                                PALPC_HANDLE AlpcSectionHandle, PSIZE_T ActualSectionSize);
NTSYSAPI NTSTATUS NTAPI NtAlpcCreateResourceReserve(HANDLE PortHandle, ULONG Flags, SIZE_T MessageSize,
                                                    PALPC_HANDLE ResourceId);
NTSYSAPI NTSTATUS NTAPI NtAlpcCreateSectionView(HANDLE PortHandle, ULONG Flags, PALPC_DATA_VIEW_ATTR ViewAttributes);
NTSYSAPI NTSTATUS NTAPI NtAlpcCreateSecurityContext(HANDLE PortHandle, ULONG Flags, PALPC_SECURITY_ATTR SecurityAttribute);
NTSYSAPI NTSTATUS NTAPI NtAlpcDeletePortSection(HANDLE PortHandle, ULONG Flags, ALPC_HANDLE SectionHandle);
NTSYSAPI NTSTATUS NTAPI NtAlpcDeleteResourceReserve(HANDLE PortHandle, ULONG Flags, ALPC_HANDLE ResourceId);
NTSYSAPI NTSTATUS NTAPI NtAlpcDeleteSectionView(HANDLE PortHandle, ULONG Flags, PVOID ViewBase);
NTSYSAPI NTSTATUS NTAPI NtAlpcDeleteSecurityContext(HANDLE PortHandle, ULONG Flags, ALPC_HANDLE ContextHandle);
NTSYSAPI NTSTATUS NTAPI NtAlpcDisconnectPort(HANDLE PortHandle, ULONG Flags);
NTSYSAPI NTSTATUS NTAPI NtAlpcImpersonateClientContainerOfPort(HANDLE PortHandle, PPORT_MESSAGE Message, ULONG Flags);
NTSYSAPI NTSTATUS NTAPI NtAlpcImpersonateClientOfPort(HANDLE PortHandle, PPORT_MESSAGE Message, PVOID Flags);
NTSYSAPI NTSTATUS NTAPI NtAlpcOpenSenderProcess(PHANDLE ProcessHandle, HANDLE PortHandle, PPORT_MESSAGE PortMessage,
                                                ULONG Flags, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtAlpcOpenSenderThread(PHANDLE ThreadHandle, HANDLE PortHandle, PPORT_MESSAGE PortMessage,
                                               ULONG Flags, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtAlpcQueryInformation(HANDLE PortHandle, ALPC_PORT_INFORMATION_CLASS PortInformationClass,
                                               PVOID PortInformation, ULONG Length, PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI NtAlpcQueryInformationMessage(HANDLE PortHandle, PPORT_MESSAGE PortMessage,
                                                      ALPC_MESSAGE_INFORMATION_CLASS MessageInformationClass,
                                                      PVOID MessageInformation, ULONG Length, PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI NtAlpcRevokeSecurityContext(HANDLE PortHandle, ULONG Flags, ALPC_HANDLE ContextHandle);
NTSYSAPI NTSTATUS NTAPI NtAlpcSendWaitReceivePort(HANDLE PortHandle, ULONG Flags, PPORT_MESSAGE SendMsg,
                                                  PALPC_MESSAGE_ATTRIBUTES SendMessageAttributes,
                                                  PPORT_MESSAGE ReceiveMsg, PSIZE_T BufferLength,
                                                  PALPC_MESSAGE_ATTRIBUTES ReceiveMessageAttributes,
                                                  PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI NtAlpcSetInformation(HANDLE PortHandle, ALPC_PORT_INFORMATION_CLASS PortInformationClass,
                                             PVOID PortInformation, ULONG Length);

NTSYSAPI NTSTATUS NTAPI ZwAlpcAcceptConnectPort(PHANDLE PortHandle, HANDLE ConnectionPortHandle, ULONG Flags,
                                                POBJECT_ATTRIBUTES ObjectAttributes, PALPC_PORT_ATTRIBUTES PortAttributes,
                                                PVOID PortContext, PPORT_MESSAGE ConnectionRequest,
                                                PALPC_MESSAGE_ATTRIBUTES ConnectionMessageAttributes,
                                                BOOLEAN AcceptConnection);
NTSYSAPI NTSTATUS NTAPI ZwAlpcCancelMessage(HANDLE PortHandle, ULONG Flags, PALPC_CONTEXT_ATTR MessageContext);
NTSYSAPI NTSTATUS NTAPI ZwAlpcConnectPort(PHANDLE PortHandle, PUNICODE_STRING PortName, POBJECT_ATTRIBUTES ObjectAttributes,
                                          PALPC_PORT_ATTRIBUTES PortAttributes, ULONG Flags, PSID RequiredServerSid,
                                          PPORT_MESSAGE ConnectionMessage, PSIZE_T BufferLength,
                                          PALPC_MESSAGE_ATTRIBUTES OutMessageAttributes,
                                          PALPC_MESSAGE_ATTRIBUTES InMessageAttributes, PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI ZwAlpcConnectPortEx(PHANDLE PortHandle, POBJECT_ATTRIBUTES ConnectionPortObjectAttributes,
                                            POBJECT_ATTRIBUTES ClientPortObjectAttributes,
                                            PALPC_PORT_ATTRIBUTES PortAttributes, ULONG Flags,
                                            PSECURITY_DESCRIPTOR ServerSecurityRequirements,
                                            PPORT_MESSAGE ConnectionMessage, PSIZE_T BufferLength,
                                            PALPC_MESSAGE_ATTRIBUTES OutMessageAttributes,
                                            PALPC_MESSAGE_ATTRIBUTES InMessageAttributes, PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI ZwAlpcCreatePort(PHANDLE PortHandle, POBJECT_ATTRIBUTES ObjectAttributes,
                                         PALPC_PORT_ATTRIBUTES PortAttributes);
NTSYSAPI NTSTATUS NTAPI ZwAlpcCreatePortSection(HANDLE PortHandle, ULONG Flags, HANDLE SectionHandle, SIZE_T SectionSize,
                                                PALPC_HANDLE AlpcSectionHandle, PSIZE_T ActualSectionSize);
NTSYSAPI NTSTATUS NTAPI ZwAlpcCreateResourceReserve(HANDLE PortHandle, ULONG Flags, SIZE_T MessageSize,
                                                    PALPC_HANDLE ResourceId);
NTSYSAPI NTSTATUS NTAPI ZwAlpcCreateSectionView(HANDLE PortHandle, ULONG Flags, PALPC_DATA_VIEW_ATTR ViewAttributes);
NTSYSAPI NTSTATUS NTAPI ZwAlpcCreateSecurityContext(HANDLE PortHandle, ULONG Flags, PALPC_SECURITY_ATTR SecurityAttribute);
NTSYSAPI NTSTATUS NTAPI ZwAlpcDeletePortSection(HANDLE PortHandle, ULONG Flags, ALPC_HANDLE SectionHandle);
NTSYSAPI NTSTATUS NTAPI ZwAlpcDeleteResourceReserve(HANDLE PortHandle, ULONG Flags, ALPC_HANDLE ResourceId);
NTSYSAPI NTSTATUS NTAPI ZwAlpcDeleteSectionView(HANDLE PortHandle, ULONG Flags, PVOID ViewBase);
NTSYSAPI NTSTATUS NTAPI ZwAlpcDeleteSecurityContext(HANDLE PortHandle, ULONG Flags, ALPC_HANDLE ContextHandle);
NTSYSAPI NTSTATUS NTAPI ZwAlpcDisconnectPort(HANDLE PortHandle, ULONG Flags);
NTSYSAPI NTSTATUS NTAPI ZwAlpcImpersonateClientContainerOfPort(HANDLE PortHandle, PPORT_MESSAGE Message, ULONG Flags);
NTSYSAPI NTSTATUS NTAPI ZwAlpcImpersonateClientOfPort(HANDLE PortHandle, PPORT_MESSAGE Message, PVOID Flags);
NTSYSAPI NTSTATUS NTAPI ZwAlpcOpenSenderProcess(PHANDLE ProcessHandle, HANDLE PortHandle, PPORT_MESSAGE PortMessage,
                                                ULONG Flags, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI ZwAlpcOpenSenderThread(PHANDLE ThreadHandle, HANDLE PortHandle, PPORT_MESSAGE PortMessage,
                                               ULONG Flags, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI ZwAlpcQueryInformation(HANDLE PortHandle, ALPC_PORT_INFORMATION_CLASS PortInformationClass,
                                               PVOID PortInformation, ULONG Length, PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI ZwAlpcQueryInformationMessage(HANDLE PortHandle, PPORT_MESSAGE PortMessage,
                                                      ALPC_MESSAGE_INFORMATION_CLASS MessageInformationClass,
                                                      PVOID MessageInformation, ULONG Length, PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI ZwAlpcRevokeSecurityContext(HANDLE PortHandle, ULONG Flags, ALPC_HANDLE ContextHandle);
NTSYSAPI NTSTATUS NTAPI ZwAlpcSendWaitReceivePort(HANDLE PortHandle, ULONG Flags, PPORT_MESSAGE SendMsg,
                                                  PALPC_MESSAGE_ATTRIBUTES SendMessageAttributes,
                                                  PPORT_MESSAGE ReceiveMsg, PSIZE_T BufferLength,
                                                  PALPC_MESSAGE_ATTRIBUTES ReceiveMessageAttributes,
                                                  PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI ZwAlpcSetInformation(HANDLE PortHandle, ALPC_PORT_INFORMATION_CLASS PortInformationClass,
                                             PVOID PortInformation, ULONG Length);

/* user-mode helpers exported by ntdll */
NTSYSAPI NTSTATUS NTAPI AlpcAdjustCompletionListConcurrencyCount(HANDLE PortHandle, ULONG ConcurrencyCount);
NTSYSAPI VOID NTAPI AlpcFreeCompletionListMessage(PVOID CompletionList, PPORT_MESSAGE Message);
NTSYSAPI VOID NTAPI AlpcGetCompletionListLastMessageInformation(PVOID CompletionList, PULONG LastMessageId,
                                                                PULONG LastCallbackId);
NTSYSAPI PALPC_MESSAGE_ATTRIBUTES NTAPI AlpcGetCompletionListMessageAttributes(PVOID CompletionList, PPORT_MESSAGE Message);
NTSYSAPI ULONG NTAPI AlpcGetHeaderSize(ULONG Flags);
NTSYSAPI PVOID NTAPI AlpcGetMessageAttribute(PALPC_MESSAGE_ATTRIBUTES Buffer, ULONG AttributeFlag);
NTSYSAPI PPORT_MESSAGE NTAPI AlpcGetMessageFromCompletionList(PVOID CompletionList,
                                                              PALPC_MESSAGE_ATTRIBUTES *MessageAttributes);
NTSYSAPI ULONG NTAPI AlpcGetOutstandingCompletionListMessageCount(PVOID CompletionList);
NTSYSAPI NTSTATUS NTAPI AlpcInitializeMessageAttribute(ULONG AttributeFlags, PALPC_MESSAGE_ATTRIBUTES Buffer,
                                                       SIZE_T BufferSize, PSIZE_T RequiredBufferSize);
NTSYSAPI ULONG NTAPI AlpcMaxAllowedMessageLength(VOID);
NTSYSAPI NTSTATUS NTAPI AlpcRegisterCompletionList(HANDLE PortHandle, PALPC_COMPLETION_LIST_HEADER Buffer, ULONG Size,
                                                   ULONG ConcurrencyCount, ULONG AttributeFlags);
NTSYSAPI BOOLEAN NTAPI AlpcRegisterCompletionListWorkerThread(PVOID CompletionList);
NTSYSAPI NTSTATUS NTAPI AlpcRundownCompletionList(HANDLE PortHandle);
NTSYSAPI NTSTATUS NTAPI AlpcUnregisterCompletionList(HANDLE PortHandle);
NTSYSAPI BOOLEAN NTAPI AlpcUnregisterCompletionListWorkerThread(PVOID CompletionList);

#ifdef __cplusplus
}
#endif

#endif  /* __WINE_LPC_NTLPCAPI_H */
