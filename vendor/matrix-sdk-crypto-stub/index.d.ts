// Types for Stocktake's encryption stub: every export throws EncryptionUnavailableError when used.
export declare class EncryptionUnavailableError extends Error {
  readonly code: "STOCKTAKE_NO_E2EE";
}
export declare const isStocktakeStub: true;
type Unavailable = { new (...args: unknown[]): never; [method: string]: unknown };
export declare const Attachment: Unavailable;
export declare const DeviceId: Unavailable;
export declare const DeviceKeyId: Unavailable;
export declare const DeviceLists: Unavailable;
export declare const EncryptedAttachment: Unavailable;
export declare const EncryptionAlgorithm: Unavailable;
export declare const EncryptionSettings: Unavailable;
export declare const HistoryVisibility: Unavailable;
export declare const KeysBackupRequest: Unavailable;
export declare const KeysClaimRequest: Unavailable;
export declare const KeysQueryRequest: Unavailable;
export declare const KeysUploadRequest: Unavailable;
export declare const OlmMachine: Unavailable;
export declare const RequestType: Unavailable;
export declare const RoomId: Unavailable;
export declare const RoomMessageRequest: Unavailable;
export declare const SignatureUploadRequest: Unavailable;
export declare const StoreType: Unavailable;
export declare const ToDeviceRequest: Unavailable;
export declare const UserId: Unavailable;
