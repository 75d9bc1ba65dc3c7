/** A SigV4-verified S3 subset, aws-chunked uploads included. */
export { S3Service, s3Operation } from "./s3Service.js";
