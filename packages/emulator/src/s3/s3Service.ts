import { createHash } from "node:crypto";
import { AwsError } from "../awsError.js";
import type { IncomingRequest } from "../incomingRequest.js";
import { queryParam } from "../incomingRequest.js";
import type { Reply } from "../reply.js";
import { xmlFields } from "../xml.js";
import { decodeAwsChunked } from "./awsChunked.js";

const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly lastModified: number;
}

interface Bucket {
  readonly createdAt: number;
  readonly objects: Map<string, StoredObject>;
}

/** Path-style addressing: `/bucket/key`. */
function splitPath(rawPath: string): { bucket?: string; key?: string } {
  const [, bucket, ...rest] = rawPath.split("/");
  const key = rest.join("/");
  return { bucket: bucket ? decodeURIComponent(bucket) : undefined, key: key ? decodeURIComponent(key) : undefined };
}

/** The S3 operation a request names, for records and dispatch. */
export function s3Operation(request: IncomingRequest): string {
  const { bucket, key } = splitPath(request.rawPath);
  const verb = request.method;
  if (!bucket) return verb === "GET" ? "ListBuckets" : `Unsupported${verb}`;
  if (!key) return ({ PUT: "CreateBucket", HEAD: "HeadBucket", GET: "ListObjectsV2", DELETE: "DeleteBucket" } as Record<string, string>)[verb] ?? `Unsupported${verb}`;
  return ({ PUT: "PutObject", GET: "GetObject", HEAD: "HeadObject", DELETE: "DeleteObject" } as Record<string, string>)[verb] ?? `Unsupported${verb}`;
}

function xml(body: string): Reply {
  return { status: 200, headers: { "content-type": "application/xml" }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

function uploadedBody(request: IncomingRequest): Buffer {
  const declared = request.headers["x-amz-content-sha256"] ?? "";
  if (declared.startsWith("STREAMING-AWS4-HMAC-SHA256") || declared.startsWith("STREAMING-AWS4-ECDSA")) {
    throw new AwsError("NotImplemented", "The emulator does not verify signed aws-chunked uploads; use unsigned streaming or a buffered body.", 501);
  }
  const chunked = (request.headers["content-encoding"] ?? "").includes("aws-chunked") || declared.startsWith("STREAMING-");
  return chunked ? decodeAwsChunked(request.body) : request.body;
}

/** An in-memory S3, path-style, enough of the API to exercise S3's signing rules. */
export class S3Service {
  readonly #buckets = new Map<string, Bucket>();

  createBucket(name: string, now = Date.now()): void {
    if (!this.#buckets.has(name)) this.#buckets.set(name, { createdAt: now, objects: new Map() });
  }

  handle(request: IncomingRequest, now: number): Reply {
    const operation = s3Operation(request);
    const { bucket: bucketName = "", key = "" } = splitPath(request.rawPath);
    switch (operation) {
      case "ListBuckets": {
        const buckets = [...this.#buckets.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, b]) => `<Bucket>${xmlFields({ Name: name, CreationDate: new Date(b.createdAt).toISOString() })}</Bucket>`)
          .join("");
        return xml(`<ListAllMyBucketsResult xmlns="${S3_XMLNS}"><Owner><ID>emulator</ID><DisplayName>emulator</DisplayName></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
      }
      case "CreateBucket":
        if (this.#buckets.has(bucketName)) {
          throw new AwsError("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409, { BucketName: bucketName });
        }
        this.createBucket(bucketName, now);
        return { status: 200, headers: { location: `/${bucketName}` } };
      case "HeadBucket":
        this.#bucket(bucketName);
        return { status: 200 };
      case "DeleteBucket":
        this.#bucket(bucketName);
        this.#buckets.delete(bucketName);
        return { status: 204 };
      case "ListObjectsV2": {
        const prefix = queryParam(request, "prefix") ?? "";
        const contents = [...this.#bucket(bucketName).objects.entries()]
          .filter(([k]) => k.startsWith(prefix))
          .sort(([a], [b]) => (a < b ? -1 : 1));
        const items = contents
          .map(([k, o]) => `<Contents>${xmlFields({ Key: k, LastModified: new Date(o.lastModified).toISOString(), ETag: o.etag, Size: o.body.length, StorageClass: "STANDARD" })}</Contents>`)
          .join("");
        return xml(`<ListBucketResult xmlns="${S3_XMLNS}">${xmlFields({ Name: bucketName, Prefix: prefix, KeyCount: contents.length, MaxKeys: 1000, IsTruncated: "false" })}${items}</ListBucketResult>`);
      }
      case "PutObject": {
        const body = uploadedBody(request);
        const etag = `"${createHash("md5").update(body).digest("hex")}"`;
        const contentType = request.headers["content-type"] ?? "application/octet-stream";
        this.#bucket(bucketName).objects.set(key, { body, contentType, etag, lastModified: now });
        return { status: 200, headers: { etag } };
      }
      case "GetObject":
      case "HeadObject": {
        const object = this.#object(bucketName, key);
        const headers = {
          "content-type": object.contentType,
          etag: object.etag,
          "last-modified": new Date(object.lastModified).toUTCString(),
          "content-length": String(object.body.length),
        };
        return operation === "GetObject" ? { status: 200, headers, body: object.body } : { status: 200, headers };
      }
      case "DeleteObject":
        this.#bucket(bucketName).objects.delete(key);
        return { status: 204 };
      default:
        throw new AwsError("NotImplemented", `The emulator does not implement ${request.method} ${request.rawPath} for S3.`, 501);
    }
  }

  #bucket(name: string): Bucket {
    const bucket = this.#buckets.get(name);
    if (!bucket) throw new AwsError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: name });
    return bucket;
  }

  #object(bucketName: string, key: string): StoredObject {
    const object = this.#bucket(bucketName).objects.get(key);
    if (!object) throw new AwsError("NoSuchKey", "The specified key does not exist.", 404, { Key: key });
    return object;
  }
}
