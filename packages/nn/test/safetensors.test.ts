/**
 * safetensors: round trips of every dtype, interoperability with the reference implementation
 * in both directions (a file written by PyTorch + safetensors is read exactly and re-written byte
 * for byte; the file we write is committed and checked by make_safetensors.py --verify), typed
 * errors for corrupt buffers, module state dicts and the Node file helpers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  COMPLEX128_METADATA_KEY,
  init,
  Linear,
  load,
  loadWithMetadata,
  MLP,
  Module,
  Parameter,
  readHeader,
  SafetensorsError,
  type SafetensorsErrorCode,
  save,
  saveAsync,
} from "@modewise/nn";
import { loadFile, loadFileWithMetadata, saveFile } from "@modewise/nn/node";
import { dispose, Generator, memory, type Tensor, tensor, tidy, zerosLike } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { MODEWISE_METADATA, modewiseState } from "./fixtures/write_modewise_safetensors.mjs";
import { readFixture, readFixtureBytes } from "./helpers.js";

function bits(t: Tensor): number[] {
  const d = t.dataSync();
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
}

describe("round trips", () => {
  it("every dtype, special values bit-exact, scalars and empty tensors", () => {
    const specials = [
      0,
      -0,
      1.5,
      -2.25,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      5e-324,
      Number.MAX_VALUE,
      1 / 3,
    ];
    const state: Record<string, Tensor> = {
      f64: tensor(Float64Array.from(specials), { shape: [2, 5] }),
      f32: tensor(Float32Array.from(specials)),
      c64: tensor(Float32Array.from(specials), { dtype: "complex64", shape: [5] }),
      c128: tensor(Float64Array.from(specials), { dtype: "complex128", shape: [5, 1] }),
      i32: tensor(new Int32Array([-(2 ** 31), -1, 0, 1, 2 ** 31 - 1])),
      bool: tensor(new Uint8Array([1, 0, 1])),
      scalar: tensor(3.25, { dtype: "float64" }),
      empty: tensor(new Float64Array(0), { shape: [3, 0] }),
    };
    const bytes = save(state, { note: "round trip" });
    const { tensors, metadata } = loadWithMetadata(bytes);
    expect(metadata).toEqual({ note: "round trip" });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(state).sort());
    for (const [name, t] of Object.entries(state)) {
      expect(tensors[name].dtype, name).toBe(t.dtype);
      expect(tensors[name].shape, name).toEqual(t.shape);
      expect(bits(tensors[name]), name).toEqual(bits(t));
    }
    dispose([state, tensors]);
  });

  it("saveAsync writes the same bytes; the header is space-padded to 8-byte alignment", async () => {
    for (const nameLen of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const state = { ["x".repeat(nameLen)]: tensor(new Float64Array([1, 2])) };
      const bytes = save(state);
      expect(await saveAsync(state)).toEqual(bytes);
      const n = new DataView(bytes.buffer).getUint32(0, true);
      expect((8 + n) % 8).toBe(0);
      const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
      expect(header).toMatch(/^\{.*\} *$/);
      expect(JSON.parse(header)).toEqual({
        ["x".repeat(nameLen)]: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
      });
      dispose(state);
    }
  });

  it("the empty state is '{}' padded, as the reference's test_empty", () => {
    expect(Array.from(save({}))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    expect(load(save({}))).toEqual({});
  });

  it("complex128 is stored as F64 [..., 2] and listed in the metadata; other readers see a real tensor", () => {
    const z = tensor(new Float64Array([1, 2, 3, 4]), { dtype: "complex128" });
    const bytes = save({ z });
    const header = readHeader(bytes);
    expect(header.metadata).toEqual({ [COMPLEX128_METADATA_KEY]: '["z"]' });
    expect(header.tensors).toEqual([["z", { dtype: "F64", shape: [2, 2], dataOffsets: [0, 32] }]]);
    const back = loadWithMetadata(bytes);
    expect(back.metadata).toEqual({});
    expect(back.tensors.z.dtype).toBe("complex128");
    expect(Array.from(back.tensors.z.dataSync())).toEqual([1, 2, 3, 4]);
  });
});

interface ExpectedFile {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; data: (number | boolean)[] }>;
}

describe("interoperability with PyTorch + safetensors (reference implementation)", () => {
  const torchBytes = readFixtureBytes("torch_model.safetensors");
  const expected = readFixture<ExpectedFile>("torch_model.json");

  it("reads a file written by safetensors.torch.save_file exactly", () => {
    const { tensors, metadata } = loadWithMetadata(torchBytes);
    expect(metadata).toEqual(expected.metadata);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, e] of Object.entries(expected.tensors)) {
      const t = tensors[name];
      expect(t.dtype, name).toBe(e.dtype);
      expect(t.shape, name).toEqual(e.shape);
      // float32 values printed by Python are the exact doubles of the float32 numbers.
      expect(Array.from(t.dataSync()), name).toEqual(e.data.map(Number));
    }
    dispose(tensors);
  });

  it("re-saving it reproduces the reference's bytes exactly (order, JSON, padding, data)", () => {
    const { tensors, metadata } = loadWithMetadata(torchBytes);
    expect(save(tensors, metadata)).toEqual(torchBytes);
    dispose(tensors);
  });

  it("a state dict from the file loads into a Linear with the same names", () => {
    const dict = load(torchBytes);
    const lin = new Linear(4, 3);
    lin.loadStateDict({ weight: dict["linear.weight"], bias: dict["linear.bias"] });
    expect(Array.from(lin.weight.value.dataSync())).toEqual(expected.tensors["linear.weight"].data);
    dispose(dict);
    lin.dispose();
  });

  it("`save` still writes the committed modewise_written.safetensors, which the reference reads (make_safetensors.py --verify)", () => {
    const state = modewiseState() as Record<string, Tensor>;
    expect(save(state, MODEWISE_METADATA)).toEqual(
      readFixtureBytes("modewise_written.safetensors"),
    );
    dispose(state);
  });
});

/** A raw safetensors buffer from a header string and data bytes (header length as given or computed). */
function raw(header: string, data: number[] = [], declaredLength?: number): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, declaredLength ?? h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function expectCode(bytes: Uint8Array, code: SafetensorsErrorCode): void {
  try {
    load(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    expect((e as SafetensorsError).code).toBe(code);
    return;
  }
  throw new Error(`expected SafetensorsError ${code}`);
}

describe("validation of corrupt buffers (typed errors)", () => {
  const f32 = (offsets: [number, number], shape = [2]) =>
    `{"a":{"dtype":"F32","shape":[${shape}],"data_offsets":[${offsets}]}}`;
  const eight = [0, 0, 128, 63, 0, 0, 0, 64];

  it("length prefix: too small, too large, longer than the buffer", () => {
    expectCode(new Uint8Array(5), "HeaderTooSmall");
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 1, true); // 2^32
    expectCode(huge, "HeaderTooLarge");
    expectCode(raw(f32([0, 8]), eight, 1000), "InvalidHeaderLength");
  });

  it("header text: not UTF-8, not starting with '{', not JSON, wrong schema, unknown dtype", () => {
    const bad = raw("{}");
    bad[9] = 0xff;
    expectCode(bad, "InvalidHeader");
    expectCode(raw("[1, 2]  "), "InvalidHeaderStart");
    expectCode(raw('{"a": '), "InvalidHeaderDeserialization");
    expectCode(
      raw('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}'),
      "InvalidHeaderDeserialization",
    );
    expectCode(raw('{"__metadata__":{"k":1}}'), "InvalidHeaderDeserialization");
    expectCode(
      raw('{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', new Array(16).fill(0)),
      "UnknownDType",
    );
  });

  it("offsets: gap, overlap, reversed, size mismatch, truncated data, trailing bytes", () => {
    expectCode(raw(f32([4, 12]), [...eight, 0, 0, 0, 0]), "InvalidOffset");
    const two =
      '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    expectCode(raw(two, [...eight, 0, 0, 0, 0]), "InvalidOffset");
    expectCode(raw('{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}'), "InvalidOffset");
    expectCode(raw(f32([0, 8], [3]), eight), "TensorInvalidInfo");
    expectCode(raw(f32([0, 8]), eight.slice(0, 5)), "MetadataIncompleteBuffer");
    expectCode(raw(f32([0, 8]), [...eight, 1]), "MetadataIncompleteBuffer");
    // A real file cut short.
    const good = save({ w: tensor(new Float64Array([1, 2, 3])) });
    expectCode(good.subarray(0, good.length - 1), "MetadataIncompleteBuffer");
    expectCode(good.subarray(0, 20), "InvalidHeaderLength");
  });

  it("conversions: F16/BF16 widen exactly, other integers to int32 with range checks, F8 unsupported", () => {
    const t = load(
      raw(
        '{"h":{"dtype":"F16","shape":[3],"data_offsets":[0,6]},"bf":{"dtype":"BF16","shape":[1],"data_offsets":[6,8]},"l":{"dtype":"I64","shape":[1],"data_offsets":[8,16]},"u":{"dtype":"U8","shape":[2],"data_offsets":[16,18]}}',
        [
          0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0x80, 0x3f, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
          0xff, 255, 7,
        ],
      ),
    );
    expect(Array.from(t.h.dataSync())).toEqual([1, -2, 2 ** -24]);
    expect(Array.from(t.bf.dataSync())).toEqual([1]);
    expect(t.l.dtype).toBe("int32");
    expect(Array.from(t.l.dataSync())).toEqual([-2]);
    expect(Array.from(t.u.dataSync())).toEqual([255, 7]);
    expectCode(
      raw('{"l":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', [0, 0, 0, 0, 1, 0, 0, 0]),
      "IntegerOutOfRange",
    );
    expectCode(
      raw('{"q":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}', [0]),
      "UnsupportedDType",
    );
  });

  it("a failed load creates no tensors", () => {
    const before = memory().numTensors;
    const bytes = raw(
      '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"q":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[4,5]}}',
      [0, 0, 0, 0, 0],
    );
    expect(() => load(bytes)).toThrow(SafetensorsError);
    expect(memory().numTensors).toBe(before);
  });
});

class Spectral extends Module {
  readonly weight = new Parameter(
    init.complexNormal([2, 3], { dtype: "complex128", std: 0.5, generator: new Generator(4) }),
  );
  readonly head = new MLP([3, 4, 2], { dtype: "float64", generator: new Generator(5) });
  forward(x: Tensor): Tensor {
    return this.head.forward(x);
  }
}

describe("module state dicts through safetensors", () => {
  it("stateDict -> save -> load -> loadStateDict reproduces a model with complex and real parameters", () => {
    const a = new Spectral();
    const b = new Spectral();
    for (const p of b.parameters()) p.assign(tidy(() => zerosLike(p.value)));
    const dict = a.stateDict();
    expect(Object.keys(dict)).toEqual([
      "weight",
      "head.layers.0.weight",
      "head.layers.0.bias",
      "head.layers.1.weight",
      "head.layers.1.bias",
    ]);
    const loaded = load(save(dict));
    b.loadStateDict(loaded);
    for (const [i, p] of a.parameters().entries()) {
      expect(bits(b.parameters()[i].value)).toEqual(bits(p.value));
    }
    dispose([dict, loaded]);
    a.dispose();
    b.dispose();
  });

  it("Node helpers saveFile / loadFile", async () => {
    const dir = mkdtempSync(join(tmpdir(), "modewise-nn-"));
    try {
      const path = join(dir, "m.safetensors");
      const t = { w: tensor(new Float32Array([1, 2, 3])) };
      await saveFile(path, t, { epoch: "3" });
      const back = await loadFile(path);
      expect(Array.from(back.w.dataSync())).toEqual([1, 2, 3]);
      expect((await loadFileWithMetadata(path)).metadata).toEqual({ epoch: "3" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
