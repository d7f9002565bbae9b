/*
 * Compile-only check of include/ntdef/ntlpcapi.h
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
 * Built by check-headers.sh with -Wall -Wextra -Werror in several header
 * environments, chosen with:
 *   TEST_WINE_TREE      Wine's headers, included the way Wine's sources do
 *   TEST_WINDOWS_H      with TEST_WINE_TREE: windows.h too (A/W name macros)
 *   TEST_NO_WINTERNL    mingw-w64: only <windows.h> before the header
 *   TEST_NTSTATUS_AFTER include ntstatus.h after the header (no redefinitions)
 * Nothing is linked: taking each function's address makes a missing
 * prototype an error.
 */

#ifdef TEST_WINE_TREE

#include <stdarg.h>
#ifndef TEST_NTSTATUS_AFTER
#include "ntstatus.h"
#endif
#define WIN32_NO_STATUS
#include "windef.h"
#ifdef TEST_WINDOWS_H
#include "windows.h"
#endif
#include "winternl.h"
#include "ntdef/ntlpcapi.h"
#ifdef TEST_NTSTATUS_AFTER
#undef WIN32_NO_STATUS
#include "ntstatus.h"
#endif

#else  /* TEST_WINE_TREE */

#ifdef TEST_NTSTATUS_AFTER
#define WIN32_NO_STATUS
#endif
#include <windows.h>
#ifndef TEST_NO_WINTERNL
#include <winternl.h>
#endif
#include <ntdef/ntlpcapi.h>
#ifdef TEST_NTSTATUS_AFTER
#undef WIN32_NO_STATUS
#include <ntstatus.h>
#endif

#endif  /* TEST_WINE_TREE */

#include <string.h>

#define CHECK(expr) CHECK_LINE(expr, __LINE__)
#define CHECK_LINE(expr, line) CHECK_LINE2(expr, line)
#define CHECK_LINE2(expr, line) typedef char check_line_##line[(expr) ? 1 : -1]

#define OFFSET(type, field) FIELD_OFFSET(type, field)

/* Windows x64 layouts; only mingw-w64 targets x64 Windows with Windows' own
 * PORT_MESSAGE, Wine 8.0's is checked separately below. */
#if defined(_WIN64) && !defined(TEST_WINE_TREE)
CHECK(sizeof(PORT_MESSAGE) == 0x28);
CHECK(OFFSET(PORT_MESSAGE, u1.s1.DataLength) == 0);
CHECK(OFFSET(PORT_MESSAGE, u1.s1.TotalLength) == 2);
CHECK(OFFSET(PORT_MESSAGE, u1.Length) == 0);
CHECK(OFFSET(PORT_MESSAGE, u2.s2.Type) == 4);
CHECK(OFFSET(PORT_MESSAGE, u2.s2.DataInfoOffset) == 6);
CHECK(OFFSET(PORT_MESSAGE, u2.ZeroInit) == 4);
CHECK(OFFSET(PORT_MESSAGE, ClientId) == 8);
CHECK(OFFSET(PORT_MESSAGE, DoNotUseThisField) == 8);
CHECK(OFFSET(PORT_MESSAGE, MessageId) == 0x18);
CHECK(OFFSET(PORT_MESSAGE, ClientViewSize) == 0x20);
CHECK(OFFSET(PORT_MESSAGE, CallbackId) == 0x20);
CHECK(sizeof(LPC_CLIENT_DIED_MSG) == 0x30);
CHECK(PORT_TOTAL_MAXIMUM_MESSAGE_LENGTH == 0x2b0);
CHECK(PortBasicInformation == 0 && PortDumpInformation == 1);
#endif

#ifdef _WIN64
CHECK(PORT_MAXIMUM_MESSAGE_LENGTH == 512);
CHECK(LPC_MAX_CONNECTION_INFO_SIZE == 128);

CHECK(sizeof(PORT_VIEW) == 0x30);
CHECK(OFFSET(PORT_VIEW, SectionHandle) == 0x08);
CHECK(OFFSET(PORT_VIEW, SectionOffset) == 0x10);
CHECK(OFFSET(PORT_VIEW, ViewSize) == 0x18);
CHECK(OFFSET(PORT_VIEW, ViewBase) == 0x20);
CHECK(OFFSET(PORT_VIEW, ViewRemoteBase) == 0x28);
CHECK(sizeof(REMOTE_PORT_VIEW) == 0x18);
CHECK(OFFSET(REMOTE_PORT_VIEW, ViewSize) == 0x08);
CHECK(OFFSET(REMOTE_PORT_VIEW, ViewBase) == 0x10);
CHECK(sizeof(PORT_DATA_ENTRY) == 0x10);

CHECK(sizeof(ALPC_PORT_ATTRIBUTES) == 0x48);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, SecurityQos) == 0x04);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, MaxMessageLength) == 0x10);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, MemoryBandwidth) == 0x18);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, MaxPoolUsage) == 0x20);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, MaxSectionSize) == 0x28);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, MaxViewSize) == 0x30);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, MaxTotalSectionSize) == 0x38);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, DupObjectTypes) == 0x40);
CHECK(OFFSET(ALPC_PORT_ATTRIBUTES, Reserved) == 0x44);

CHECK(sizeof(ALPC_MESSAGE_ATTRIBUTES) == 8);
CHECK(sizeof(ALPC_SECURITY_ATTR) == 0x18);
CHECK(OFFSET(ALPC_SECURITY_ATTR, QoS) == 0x08);
CHECK(OFFSET(ALPC_SECURITY_ATTR, ContextHandle) == 0x10);
CHECK(sizeof(ALPC_DATA_VIEW_ATTR) == 0x20);
CHECK(OFFSET(ALPC_DATA_VIEW_ATTR, SectionHandle) == 0x08);
CHECK(OFFSET(ALPC_DATA_VIEW_ATTR, ViewBase) == 0x10);
CHECK(OFFSET(ALPC_DATA_VIEW_ATTR, ViewSize) == 0x18);
CHECK(sizeof(ALPC_CONTEXT_ATTR) == 0x20);
CHECK(OFFSET(ALPC_CONTEXT_ATTR, MessageContext) == 0x08);
CHECK(OFFSET(ALPC_CONTEXT_ATTR, Sequence) == 0x10);
CHECK(OFFSET(ALPC_CONTEXT_ATTR, MessageId) == 0x14);
CHECK(OFFSET(ALPC_CONTEXT_ATTR, CallbackId) == 0x18);
CHECK(sizeof(ALPC_HANDLE_ATTR) == 0x18);
CHECK(OFFSET(ALPC_HANDLE_ATTR, Handle) == 0x08);
CHECK(OFFSET(ALPC_HANDLE_ATTR, HandleAttrArray) == 0x08);
CHECK(OFFSET(ALPC_HANDLE_ATTR, ObjectType) == 0x10);
CHECK(OFFSET(ALPC_HANDLE_ATTR, HandleCount) == 0x10);
CHECK(OFFSET(ALPC_HANDLE_ATTR, DesiredAccess) == 0x14);
CHECK(OFFSET(ALPC_HANDLE_ATTR, GrantedAccess) == 0x14);
CHECK(sizeof(ALPC_HANDLE_ATTR32) == 0x10);
CHECK(sizeof(ALPC_TOKEN_ATTR) == 0x18);
CHECK(OFFSET(ALPC_TOKEN_ATTR, AuthenticationId) == 0x08);
CHECK(OFFSET(ALPC_TOKEN_ATTR, ModifiedId) == 0x10);
CHECK(sizeof(ALPC_DIRECT_ATTR) == 8);
CHECK(sizeof(ALPC_WORK_ON_BEHALF_ATTR) == 8);

/* all seven blocks: 8 + 0x18 + 0x20 + 0x20 + 0x18 + 0x18 + 8 + 8 */
CHECK(sizeof(ALPC_MESSAGE_ATTRIBUTES) + sizeof(ALPC_SECURITY_ATTR) + sizeof(ALPC_DATA_VIEW_ATTR) +
      sizeof(ALPC_CONTEXT_ATTR) + sizeof(ALPC_HANDLE_ATTR) + sizeof(ALPC_TOKEN_ATTR) +
      sizeof(ALPC_DIRECT_ATTR) + sizeof(ALPC_WORK_ON_BEHALF_ATTR) == 0xa0);

CHECK(sizeof(ALPC_BASIC_INFORMATION) == 0x10);
CHECK(OFFSET(ALPC_BASIC_INFORMATION, PortContext) == 0x08);
CHECK(sizeof(ALPC_PORT_ASSOCIATE_COMPLETION_PORT) == 0x10);
CHECK(OFFSET(ALPC_PORT_ASSOCIATE_COMPLETION_PORT, CompletionPort) == 0x08);
CHECK(sizeof(ALPC_SERVER_INFORMATION) == 0x20);
CHECK(OFFSET(ALPC_SERVER_INFORMATION, Out.ConnectedProcessId) == 0x08);
CHECK(OFFSET(ALPC_SERVER_INFORMATION, Out.ConnectionPortName) == 0x10);
CHECK(sizeof(ALPC_PORT_MESSAGE_ZONE_INFORMATION) == 0x10);
CHECK(sizeof(ALPC_PORT_COMPLETION_LIST_INFORMATION) == 0x18);
CHECK(OFFSET(ALPC_PORT_COMPLETION_LIST_INFORMATION, ConcurrencyCount) == 0x0c);
CHECK(OFFSET(ALPC_PORT_COMPLETION_LIST_INFORMATION, AttributeFlags) == 0x10);
CHECK(sizeof(ALPC_MESSAGE_HANDLE_INFORMATION) == 0x14);
CHECK(sizeof(ALPC_COMPLETION_LIST_HEADER) == 0x180);
CHECK(OFFSET(ALPC_COMPLETION_LIST_HEADER, AttributeSize) == 0x28);
CHECK(OFFSET(ALPC_COMPLETION_LIST_HEADER, LastMessageId) == 0x48);
CHECK(OFFSET(ALPC_COMPLETION_LIST_HEADER, PostCount) == 0x80);
CHECK(OFFSET(ALPC_COMPLETION_LIST_HEADER, ReturnCount) == 0xc0);
CHECK(OFFSET(ALPC_COMPLETION_LIST_HEADER, LogSequenceNumber) == 0x100);
#else  /* _WIN64 */
#ifndef TEST_WINE_TREE
CHECK(sizeof(PORT_MESSAGE) == 0x18);
CHECK(OFFSET(PORT_MESSAGE, ClientId) == 0x08);
CHECK(OFFSET(PORT_MESSAGE, MessageId) == 0x10);
CHECK(OFFSET(PORT_MESSAGE, ClientViewSize) == 0x14);
CHECK(sizeof(LPC_CLIENT_DIED_MSG) == 0x20);
CHECK(PORT_TOTAL_MAXIMUM_MESSAGE_LENGTH == 0x160);
#endif
CHECK(PORT_MAXIMUM_MESSAGE_LENGTH == 256);
CHECK(sizeof(PORT_VIEW) == 0x18);
CHECK(sizeof(REMOTE_PORT_VIEW) == 0x0c);
CHECK(sizeof(ALPC_PORT_ATTRIBUTES) == 0x2c);
CHECK(sizeof(ALPC_SECURITY_ATTR) == 0x0c);
CHECK(sizeof(ALPC_DATA_VIEW_ATTR) == 0x10);
CHECK(sizeof(ALPC_CONTEXT_ATTR) == 0x14);
CHECK(sizeof(ALPC_HANDLE_ATTR) == 0x10);
CHECK(sizeof(ALPC_TOKEN_ATTR) == 0x18);
CHECK(sizeof(ALPC_DIRECT_ATTR) == 0x04);
CHECK(sizeof(ALPC_WORK_ON_BEHALF_ATTR) == 0x08);
CHECK(sizeof(ALPC_COMPLETION_LIST_HEADER) == 0x180);
CHECK(OFFSET(ALPC_COMPLETION_LIST_HEADER, EndMagic) == 0x148);
#endif  /* _WIN64 */

#if defined(TEST_WINE_TREE) && defined(_WIN64)
/* Wine 8.0's own PORT_MESSAGE is untouched: 0x20 bytes until winternl.h is fixed */
CHECK(sizeof(PORT_MESSAGE) == 0x20 || sizeof(PORT_MESSAGE) == 0x28);
#endif

/* constants */
CHECK(PORT_CONNECT == 1);
CHECK(PORT_ALL_ACCESS == 0x001f0001);
CHECK(LPC_REQUEST == 1 && LPC_CONNECTION_REQUEST == 10);
CHECK(LPC_CONNECTION_REPLY == 11 && LPC_CANCELED == 12);
CHECK((LPC_KERNELMODE_MESSAGE & 0xffff) == 0x8000);
CHECK((LPC_NO_IMPERSONATE & 0xffff) == 0x4000);
CHECK(LPC_CONTINUATION_REQUIRED == 0x2000);
CHECK(ALPC_MESSAGE_ATTRIBUTE_ALL == (ALPC_MESSAGE_SECURITY_ATTRIBUTE | ALPC_MESSAGE_VIEW_ATTRIBUTE |
                                     ALPC_MESSAGE_CONTEXT_ATTRIBUTE | ALPC_MESSAGE_HANDLE_ATTRIBUTE |
                                     ALPC_MESSAGE_TOKEN_ATTRIBUTE | ALPC_MESSAGE_DIRECT_ATTRIBUTE |
                                     ALPC_MESSAGE_WORK_ON_BEHALF_ATTRIBUTE));
CHECK(ALPC_PORFLG_OBJECT_TYPE_ALL == (ALPC_PORFLG_OBJECT_TYPE_FILE | ALPC_PORFLG_OBJECT_TYPE_THREAD |
                                      ALPC_PORFLG_OBJECT_TYPE_SEMAPHORE | ALPC_PORFLG_OBJECT_TYPE_EVENT |
                                      ALPC_PORFLG_OBJECT_TYPE_PROCESS | ALPC_PORFLG_OBJECT_TYPE_MUTEX |
                                      ALPC_PORFLG_OBJECT_TYPE_SECTION | ALPC_PORFLG_OBJECT_TYPE_REGKEY |
                                      ALPC_PORFLG_OBJECT_TYPE_TOKEN | ALPC_PORFLG_OBJECT_TYPE_COMPOSITION |
                                      ALPC_PORFLG_OBJECT_TYPE_JOB));
CHECK(ALPC_SYNC_CONNECTION == ALPC_MSGFLG_SYNC_REQUEST);
CHECK(AlpcServerSessionInformation == 12);
CHECK(AlpcMessageHandleInformation == 3);

/* status codes the header guarantees */
CHECK(STATUS_ALPC_CHECK_COMPLETION_LIST == 0x40000030);
CHECK(STATUS_PORT_MESSAGE_TOO_LONG == (NTSTATUS)0xc000002f);
CHECK(STATUS_PORT_DISCONNECTED == (NTSTATUS)0xc0000037);
CHECK(STATUS_PORT_CONNECTION_REFUSED == (NTSTATUS)0xc0000041);
CHECK(STATUS_INVALID_PORT_HANDLE == (NTSTATUS)0xc0000042);
CHECK(STATUS_PORT_ALREADY_SET == (NTSTATUS)0xc0000048);
CHECK(STATUS_REPLY_MESSAGE_MISMATCH == (NTSTATUS)0xc000021f);
CHECK(STATUS_LPC_REPLY_LOST == (NTSTATUS)0xc0000253);
CHECK(STATUS_SERVER_SID_MISMATCH == (NTSTATUS)0xc00002a0);
CHECK(STATUS_LPC_RECEIVE_BUFFER_EXPECTED == (NTSTATUS)0xc0000705);
CHECK(STATUS_LPC_INVALID_CONNECTION_USAGE == (NTSTATUS)0xc0000706);
CHECK(STATUS_LPC_REQUESTS_NOT_ALLOWED == (NTSTATUS)0xc0000707);
CHECK(STATUS_LPC_HANDLE_COUNT_EXCEEDED == (NTSTATUS)0xc0000722);

/* every type name is usable */
PORT_MESSAGE *test_msg;
PORT_DATA_INFORMATION *test_data_info;
PORT_BASIC_INFORMATION *test_basic_info;
PORT_INFORMATION_CLASS test_port_class;
ALPC_HANDLE test_alpc_handle;
ALPC_PORT_ATTRIBUTES test_port_attr;
ALPC_MESSAGE_ATTRIBUTES test_msg_attr;
ALPC_SERVER_SESSION_INFORMATION test_session;
ALPC_PORT_MESSAGE_ZONE_INFORMATION test_zone;
ALPC_WORK_ON_BEHALF_TICKET test_ticket;
ALPC_MESSAGE_INFORMATION_CLASS test_msg_class;
ALPC_PORT_INFORMATION_CLASS test_alpc_class;

typedef void (*any_function)(void);
#define FN(f) (any_function)f,

any_function test_functions[] =
{
    /* legacy LPC; Wine's winternl.h has its own Nt* prototypes */
    FN(NtAcceptConnectPort) FN(NtCompleteConnectPort) FN(NtConnectPort) FN(NtCreatePort)
    FN(NtCreateWaitablePort) FN(NtImpersonateClientOfPort) FN(NtListenPort) FN(NtQueryInformationPort)
    FN(NtReadRequestData) FN(NtRegisterThreadTerminatePort) FN(NtReplyPort) FN(NtReplyWaitReceivePort)
    FN(NtReplyWaitReceivePortEx) FN(NtReplyWaitReplyPort) FN(NtRequestPort) FN(NtRequestWaitReplyPort)
    FN(NtSecureConnectPort) FN(NtSetDefaultHardErrorPort) FN(NtWriteRequestData)
    FN(ZwCreateWaitablePort)
#ifndef TEST_WINE_TREE
    FN(ZwAcceptConnectPort) FN(ZwCompleteConnectPort) FN(ZwConnectPort) FN(ZwCreatePort)
    FN(ZwImpersonateClientOfPort) FN(ZwListenPort) FN(ZwQueryInformationPort)
    FN(ZwReadRequestData) FN(ZwRegisterThreadTerminatePort) FN(ZwReplyPort) FN(ZwReplyWaitReceivePort)
    FN(ZwReplyWaitReceivePortEx) FN(ZwReplyWaitReplyPort) FN(ZwRequestPort) FN(ZwRequestWaitReplyPort)
    FN(ZwSecureConnectPort) FN(ZwSetDefaultHardErrorPort) FN(ZwWriteRequestData)
#endif

    /* ALPC system calls */
    FN(NtAlpcAcceptConnectPort) FN(NtAlpcCancelMessage) FN(NtAlpcConnectPort) FN(NtAlpcConnectPortEx)
    FN(NtAlpcCreatePort) FN(NtAlpcCreatePortSection) FN(NtAlpcCreateResourceReserve)
    FN(NtAlpcCreateSectionView) FN(NtAlpcCreateSecurityContext) FN(NtAlpcDeletePortSection)
    FN(NtAlpcDeleteResourceReserve) FN(NtAlpcDeleteSectionView) FN(NtAlpcDeleteSecurityContext)
    FN(NtAlpcDisconnectPort) FN(NtAlpcImpersonateClientContainerOfPort) FN(NtAlpcImpersonateClientOfPort)
    FN(NtAlpcOpenSenderProcess) FN(NtAlpcOpenSenderThread) FN(NtAlpcQueryInformation)
    FN(NtAlpcQueryInformationMessage) FN(NtAlpcRevokeSecurityContext) FN(NtAlpcSendWaitReceivePort)
    FN(NtAlpcSetInformation)
    FN(ZwAlpcAcceptConnectPort) FN(ZwAlpcCancelMessage) FN(ZwAlpcConnectPort) FN(ZwAlpcConnectPortEx)
    FN(ZwAlpcCreatePort) FN(ZwAlpcCreatePortSection) FN(ZwAlpcCreateResourceReserve)
    FN(ZwAlpcCreateSectionView) FN(ZwAlpcCreateSecurityContext) FN(ZwAlpcDeletePortSection)
    FN(ZwAlpcDeleteResourceReserve) FN(ZwAlpcDeleteSectionView) FN(ZwAlpcDeleteSecurityContext)
    FN(ZwAlpcDisconnectPort) FN(ZwAlpcImpersonateClientContainerOfPort) FN(ZwAlpcImpersonateClientOfPort)
    FN(ZwAlpcOpenSenderProcess) FN(ZwAlpcOpenSenderThread) FN(ZwAlpcQueryInformation)
    FN(ZwAlpcQueryInformationMessage) FN(ZwAlpcRevokeSecurityContext) FN(ZwAlpcSendWaitReceivePort)
    FN(ZwAlpcSetInformation)

    /* ntdll helpers */
    FN(AlpcAdjustCompletionListConcurrencyCount) FN(AlpcFreeCompletionListMessage)
    FN(AlpcGetCompletionListLastMessageInformation) FN(AlpcGetCompletionListMessageAttributes)
    FN(AlpcGetHeaderSize) FN(AlpcGetMessageAttribute) FN(AlpcGetMessageFromCompletionList)
    FN(AlpcGetOutstandingCompletionListMessageCount) FN(AlpcInitializeMessageAttribute)
    FN(AlpcMaxAllowedMessageLength) FN(AlpcRegisterCompletionList) FN(AlpcRegisterCompletionListWorkerThread)
    FN(AlpcRundownCompletionList) FN(AlpcUnregisterCompletionList) FN(AlpcUnregisterCompletionListWorkerThread)
};

/* the prototypes accept Windows-typed arguments */
NTSTATUS test_calls(void);
NTSTATUS test_calls(void)
{
    ALPC_PORT_ATTRIBUTES attr;
    ALPC_DATA_VIEW_ATTR view;
    ALPC_HANDLE section = NULL;
    SIZE_T size = 0, needed;
    HANDLE port = NULL;
    PVOID context = NULL;
    NTSTATUS status;

    memset( &attr, 0, sizeof(attr) );
    attr.MaxMessageLength = AlpcMaxAllowedMessageLength();
    status = NtAlpcCreatePort( &port, NULL, &attr );
    if (!status) status = NtAlpcCreatePortSection( port, 0, NULL, 0x1000, &section, &size );
    view.Flags = 0;
    view.SectionHandle = section;
    view.ViewBase = NULL;
    view.ViewSize = size;
    if (!status) status = NtAlpcCreateSectionView( port, 0, &view );
    if (!status) status = AlpcInitializeMessageAttribute( ALPC_MESSAGE_ATTRIBUTE_ALL, NULL, 0, &needed );
    if (!status) status = NtAlpcSendWaitReceivePort( port, ALPC_MSGFLG_SYNC_REQUEST, NULL, NULL, NULL, &size, NULL, NULL );
    if (!status) status = NtCreateWaitablePort( &port, NULL, 0, 0, 0 );
#ifndef TEST_WINE_TREE
    {
        PORT_MESSAGE msg;
        PORT_VIEW client_view;
        REMOTE_PORT_VIEW server_view;

        memset( &msg, 0, sizeof(msg) );
        msg.u1.s1.DataLength = 0;
        msg.u1.s1.TotalLength = sizeof(msg);
        msg.u2.ZeroInit = 0;
        if ((msg.u2.s2.Type & 0xff) == LPC_REQUEST) msg.CallbackId = 0;
        msg.ClientViewSize = 0;
        if (!status) status = NtReplyWaitReceivePort( port, &context, NULL, &msg );
        if (!status) status = NtAcceptConnectPort( &port, context, &msg, TRUE, &client_view, &server_view );
        if (!status) status = NtReadRequestData( port, &msg, 0, NULL, 0, &size );
    }
#endif
    (void)context;
    return status;
}
