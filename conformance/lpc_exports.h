/* Every LPC and ALPC export of Windows' ntdll, shared by the demo and tests. */

#define LPC_SYSCALLS(X) \
    X(AcceptConnectPort) X(CompleteConnectPort) X(ConnectPort) X(CreatePort) \
    X(CreateWaitablePort) X(ImpersonateClientOfPort) X(ListenPort) X(QueryInformationPort) \
    X(QueryPortInformationProcess) \
    X(ReadRequestData) X(RegisterThreadTerminatePort) X(ReplyPort) X(ReplyWaitReceivePort) \
    X(ReplyWaitReceivePortEx) X(ReplyWaitReplyPort) X(RequestPort) X(RequestWaitReplyPort) \
    X(SecureConnectPort) X(SetDefaultHardErrorPort) X(WriteRequestData)

#define ALPC_SYSCALLS(X) \
    X(AlpcAcceptConnectPort) X(AlpcCancelMessage) X(AlpcConnectPort) X(AlpcConnectPortEx) \
    X(AlpcCreatePort) X(AlpcCreatePortSection) X(AlpcCreateResourceReserve) \
    X(AlpcCreateSectionView) X(AlpcCreateSecurityContext) X(AlpcDeletePortSection) \
    X(AlpcDeleteResourceReserve) X(AlpcDeleteSectionView) X(AlpcDeleteSecurityContext) \
    X(AlpcDisconnectPort) X(AlpcImpersonateClientContainerOfPort) \
    X(AlpcImpersonateClientOfPort) X(AlpcOpenSenderProcess) X(AlpcOpenSenderThread) \
    X(AlpcQueryInformation) X(AlpcQueryInformationMessage) X(AlpcRevokeSecurityContext) \
    X(AlpcSendWaitReceivePort) X(AlpcSetInformation)

#define ALPC_HELPERS(X) \
    X(AlpcAdjustCompletionListConcurrencyCount) X(AlpcFreeCompletionListMessage) \
    X(AlpcGetCompletionListLastMessageInformation) X(AlpcGetCompletionListMessageAttributes) \
    X(AlpcGetHeaderSize) X(AlpcGetMessageAttribute) X(AlpcGetMessageFromCompletionList) \
    X(AlpcGetOutstandingCompletionListMessageCount) X(AlpcInitializeMessageAttribute) \
    X(AlpcMaxAllowedMessageLength) X(AlpcRegisterCompletionList) \
    X(AlpcRegisterCompletionListWorkerThread) X(AlpcRundownCompletionList) \
    X(AlpcUnregisterCompletionList) X(AlpcUnregisterCompletionListWorkerThread)
