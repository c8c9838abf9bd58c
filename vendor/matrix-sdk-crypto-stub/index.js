"use strict";
// Stocktake's stand-in for @matrix-org/matrix-sdk-crypto-nodejs.
//
// matrix-bot-sdk's index requires the real package at load time, and the real package needs a native
// binary that its postinstall script downloads from GitHub. npm 11 does not run unapproved install
// scripts, and Stocktake's machines cannot reach GitHub, so the real package cannot load here. This
// stub exports the names matrix-bot-sdk reads; using any of them throws, so end-to-end encryption
// fails loudly instead of half-working. Stocktake never enables encryption (it passes no crypto
// store), so the bot itself never reaches this code. See the README, "Encrypted rooms".

const MESSAGE =
  "Matrix end-to-end encryption is not available in Stocktake: @matrix-org/matrix-sdk-crypto-nodejs " +
  "is replaced by a stub (vendor/matrix-sdk-crypto-stub) because its native library is downloaded at " +
  "install time, which Stocktake does not allow. Use Stocktake in unencrypted rooms.";

class EncryptionUnavailableError extends Error {
  constructor(what) {
    super(`${what}: ${MESSAGE}`);
    this.name = "EncryptionUnavailableError";
    this.code = "STOCKTAKE_NO_E2EE";
  }
}

function unavailable(name) {
  // A class, because matrix-bot-sdk calls `new UserId(...)` and static factories such as
  // `OlmMachine.initialize(...)`: both throw.
  const Stub = class {
    constructor() {
      throw new EncryptionUnavailableError(`new ${name}()`);
    }
  };
  Object.defineProperty(Stub, "name", { value: name });
  return new Proxy(Stub, {
    get(target, property, receiver) {
      if (typeof property === "symbol" || property in Function.prototype || property === "prototype" || property === "name") {
        return Reflect.get(target, property, receiver);
      }
      return () => {
        throw new EncryptionUnavailableError(`${name}.${String(property)}()`);
      };
    },
  });
}

// The names matrix-bot-sdk (and its Element fork) take from the real package, plus the enums the
// real package exports, so a newer SDK that reads one of them at load time still loads.
const NAMES = [
  "Attachment",
  "DeviceId",
  "DeviceKeyId",
  "DeviceLists",
  "EncryptedAttachment",
  "EncryptionAlgorithm",
  "EncryptionSettings",
  "HistoryVisibility",
  "KeysBackupRequest",
  "KeysClaimRequest",
  "KeysQueryRequest",
  "KeysUploadRequest",
  "OlmMachine",
  "RequestType",
  "RoomId",
  "RoomMessageRequest",
  "SignatureUploadRequest",
  "StoreType",
  "ToDeviceRequest",
  "UserId",
];

for (const name of NAMES) exports[name] = unavailable(name);
exports.EncryptionUnavailableError = EncryptionUnavailableError;
exports.isStocktakeStub = true;
