/*
 * The ONNX protobuf schema, loaded for protobufjs.
 *
 * The schema is the ONNX project's own onnx.proto (ONNX 1.12, IR version 8), copied unchanged from Debian's
 * libonnx-dev into src/onnx/onnx.proto. It is licensed under the Apache License 2.0 (SPDX-License-Identifier:
 * Apache-2.0), © the ONNX Project Contributors; see https://github.com/onnx/onnx/blob/main/LICENSE. The build
 * (scripts/build-onnx-schema.mjs) turns it into the JSON descriptor imported here.
 */
import { Root, type Type } from 'protobufjs/light';
import { onnxSchemaDescriptor } from './onnxSchema.generated';

export interface OnnxSchema {
  readonly ModelProto: Type;
  /** The IR version the schema defines (onnx.Version.IR_VERSION). */
  readonly irVersion: number;
  /** TensorProto.DataType by name (FLOAT, INT64, ...). */
  readonly dataTypes: Readonly<Record<string, number>>;
}

let schema: OnnxSchema | undefined;

export function onnxSchema(): OnnxSchema {
  if (!schema) {
    const root = Root.fromJSON(onnxSchemaDescriptor);
    schema = {
      ModelProto: root.lookupType('onnx.ModelProto'),
      irVersion: root.lookupEnum('onnx.Version').values.IR_VERSION,
      dataTypes: root.lookupEnum('onnx.TensorProto.DataType').values,
    };
  }
  return schema;
}
