// Original file: proto/kk/v1/facts.proto

import type { OsFacts as _kk_v1_OsFacts, OsFacts__Output as _kk_v1_OsFacts__Output } from '../../kk/v1/OsFacts';
import type { CpuFacts as _kk_v1_CpuFacts, CpuFacts__Output as _kk_v1_CpuFacts__Output } from '../../kk/v1/CpuFacts';
import type { MemoryFacts as _kk_v1_MemoryFacts, MemoryFacts__Output as _kk_v1_MemoryFacts__Output } from '../../kk/v1/MemoryFacts';
import type { InterfaceFacts as _kk_v1_InterfaceFacts, InterfaceFacts__Output as _kk_v1_InterfaceFacts__Output } from '../../kk/v1/InterfaceFacts';
import type { DefaultRoute as _kk_v1_DefaultRoute, DefaultRoute__Output as _kk_v1_DefaultRoute__Output } from '../../kk/v1/DefaultRoute';
import type { ListeningPort as _kk_v1_ListeningPort, ListeningPort__Output as _kk_v1_ListeningPort__Output } from '../../kk/v1/ListeningPort';
import type { NullableString as _kk_v1_NullableString, NullableString__Output as _kk_v1_NullableString__Output } from '../../kk/v1/NullableString';
import type { CgroupFacts as _kk_v1_CgroupFacts, CgroupFacts__Output as _kk_v1_CgroupFacts__Output } from '../../kk/v1/CgroupFacts';
import type { ServiceFacts as _kk_v1_ServiceFacts, ServiceFacts__Output as _kk_v1_ServiceFacts__Output } from '../../kk/v1/ServiceFacts';
import type { PathFacts as _kk_v1_PathFacts, PathFacts__Output as _kk_v1_PathFacts__Output } from '../../kk/v1/PathFacts';
import type { DiskFacts as _kk_v1_DiskFacts, DiskFacts__Output as _kk_v1_DiskFacts__Output } from '../../kk/v1/DiskFacts';
import type { BlockDeviceFacts as _kk_v1_BlockDeviceFacts, BlockDeviceFacts__Output as _kk_v1_BlockDeviceFacts__Output } from '../../kk/v1/BlockDeviceFacts';
import type { TimeFacts as _kk_v1_TimeFacts, TimeFacts__Output as _kk_v1_TimeFacts__Output } from '../../kk/v1/TimeFacts';
import type { FioFacts as _kk_v1_FioFacts, FioFacts__Output as _kk_v1_FioFacts__Output } from '../../kk/v1/FioFacts';
import type { Long } from '@grpc/proto-loader';

export interface FactSet {
  'schemaVersion'?: (number);
  'collectedAtMs'?: (number | string | Long);
  'hostname'?: (string);
  'machineId'?: (string);
  'productUuid'?: (string);
  'os'?: (_kk_v1_OsFacts | null);
  'cpu'?: (_kk_v1_CpuFacts | null);
  'memory'?: (_kk_v1_MemoryFacts | null);
  'interfaces'?: (_kk_v1_InterfaceFacts)[];
  'defaultRoute'?: (_kk_v1_DefaultRoute | null);
  'listeningPorts'?: (_kk_v1_ListeningPort)[];
  'sysctl'?: ({[key: string]: _kk_v1_NullableString});
  'kernelModules'?: (string)[];
  'cgroup'?: (_kk_v1_CgroupFacts | null);
  'binaries'?: ({[key: string]: _kk_v1_NullableString});
  'services'?: ({[key: string]: _kk_v1_ServiceFacts});
  'paths'?: ({[key: string]: _kk_v1_PathFacts});
  'disks'?: (_kk_v1_DiskFacts)[];
  'blockDevices'?: (_kk_v1_BlockDeviceFacts)[];
  'time'?: (_kk_v1_TimeFacts | null);
  'fio'?: (_kk_v1_FioFacts | null);
  'probeErrors'?: ({[key: string]: string});
  '_hostname'?: "hostname";
  '_machineId'?: "machineId";
  '_productUuid'?: "productUuid";
}

export interface FactSet__Output {
  'schemaVersion': (number);
  'collectedAtMs': (number);
  'hostname'?: (string);
  'machineId'?: (string);
  'productUuid'?: (string);
  'os': (_kk_v1_OsFacts__Output | null);
  'cpu': (_kk_v1_CpuFacts__Output | null);
  'memory': (_kk_v1_MemoryFacts__Output | null);
  'interfaces': (_kk_v1_InterfaceFacts__Output)[];
  'defaultRoute': (_kk_v1_DefaultRoute__Output | null);
  'listeningPorts': (_kk_v1_ListeningPort__Output)[];
  'sysctl': ({[key: string]: _kk_v1_NullableString__Output});
  'kernelModules': (string)[];
  'cgroup': (_kk_v1_CgroupFacts__Output | null);
  'binaries': ({[key: string]: _kk_v1_NullableString__Output});
  'services': ({[key: string]: _kk_v1_ServiceFacts__Output});
  'paths': ({[key: string]: _kk_v1_PathFacts__Output});
  'disks': (_kk_v1_DiskFacts__Output)[];
  'blockDevices': (_kk_v1_BlockDeviceFacts__Output)[];
  'time': (_kk_v1_TimeFacts__Output | null);
  'fio': (_kk_v1_FioFacts__Output | null);
  'probeErrors': ({[key: string]: string});
  '_hostname'?: "hostname";
  '_machineId'?: "machineId";
  '_productUuid'?: "productUuid";
}
