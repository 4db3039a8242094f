"""The one module that imports the CDK engine.

We use CDK Terrain (``cdktn``), the maintained continuation of CDK for Terraform. To go back to ``cdktf`` 0.21,
change the import below to ``import cdktf as engine``; the two expose the same API. Nothing else in the repository
imports ``cdktn``, ``cdktf`` or ``constructs`` directly.
"""
from __future__ import annotations

import os
from pathlib import Path

# The engine runs a Node process (jsii). Prefer the Node the set-up installed into node_modules (Node >= 22, which
# the engine supports) over an older system one; JSII_NODE set by the user wins.
_LOCAL_NODE = Path(__file__).resolve().parent.parent / "node_modules" / "node" / "bin" / "node"
if "JSII_NODE" not in os.environ and _LOCAL_NODE.exists():
    os.environ["JSII_NODE"] = str(_LOCAL_NODE)

import cdktn as engine  # noqa: E402
import jsii  # noqa: E402  (the runtime beneath cdktn and cdktf alike)
from constructs import Construct  # noqa: E402

# Direct engine calls for the generated bindings (what prebuilt provider bindings do), without the engine's
# run-time argument checks: the bindings' own signatures fix the types, and the checks cost ~0.5 ms a resource.
jsii_create = jsii.create
jsii_invoke = jsii.invoke
jsii_get = jsii.get

App = engine.App
TerraformStack = engine.TerraformStack
TerraformResource = engine.TerraformResource
TerraformDataSource = engine.TerraformDataSource
TerraformProvider = engine.TerraformProvider
TerraformProviderGeneratorMetadata = engine.TerraformProviderGeneratorMetadata
TerraformResourceLifecycle = engine.TerraformResourceLifecycle
TerraformVariable = engine.TerraformVariable
TerraformVariableValidationConfig = engine.TerraformVariableValidationConfig
TerraformOutput = engine.TerraformOutput
Fn = engine.Fn
Token = engine.Token
Testing = engine.Testing
LocalBackend = engine.LocalBackend
S3Backend = engine.S3Backend
GcsBackend = engine.GcsBackend
RemoteBackend = engine.RemoteBackend
CloudBackend = engine.CloudBackend
NamedCloudWorkspace = engine.NamedCloudWorkspace
NamedRemoteWorkspace = engine.NamedRemoteWorkspace

ENGINE_NAME = engine.__name__

__all__ = [
    "App", "CloudBackend", "Construct", "ENGINE_NAME", "Fn", "GcsBackend", "LocalBackend", "NamedCloudWorkspace", "NamedRemoteWorkspace",
    "RemoteBackend", "S3Backend", "TerraformOutput", "TerraformProvider", "TerraformProviderGeneratorMetadata",
    "TerraformDataSource", "TerraformResource", "TerraformResourceLifecycle", "TerraformStack", "TerraformVariable",
    "TerraformVariableValidationConfig", "Testing", "Token", "jsii_create", "jsii_get", "jsii_invoke",
]
