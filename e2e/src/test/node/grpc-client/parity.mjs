// Drives runcmd.v1 from a second language, as a Node.js client would: creates a run command with an inline
// script over gRPC, waits for it to end, reads it back, lists its executions, reads its operation, pages through
// the machine's run commands, and checks that a request REST refuses is INVALID_ARGUMENT with REST's message.
// Prints one "ok <step>" line per step and exits 0, or prints the failure and exits 1.
//
// Environment: RUNCMD_ADDRESS (host:port of the control API), RUNCMD_TOKEN (a bearer token), RUNCMD_SUBSCRIPTION,
// RUNCMD_RESOURCE_GROUP, RUNCMD_MACHINE, RUNCMD_PROTO_DIR (the folder holding runcmd/v1/runcmd.proto),
// RUNCMD_NAME (the run command's name).
import assert from 'node:assert/strict';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
};

const definition = protoLoader.loadSync(path.join(env('RUNCMD_PROTO_DIR'), 'runcmd/v1/runcmd.proto'), {
  includeDirs: [env('RUNCMD_PROTO_DIR')],
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const v1 = grpc.loadPackageDefinition(definition).runcmd.v1;
const credentials = grpc.credentials.createInsecure();
const address = env('RUNCMD_ADDRESS');
const runCommands = new v1.RunCommands(address, credentials);
const operations = new v1.Operations(address, credentials);

const metadata = () => {
  const m = new grpc.Metadata();
  m.set('authorization', `Bearer ${env('RUNCMD_TOKEN')}`);
  return m;
};

// One unary call as a promise, with a 10 s deadline.
const call = (client, method, request) => new Promise((resolve, reject) => {
  client[method](request, metadata(), { deadline: Date.now() + 10_000 }, (error, response) => {
    if (error) {
      reject(error);
    } else {
      resolve(response);
    }
  });
});

// A refusal's description. The control API's transport percent-encodes more of the grpc-message trailer than it
// must (":" arrives as "%3A"), which the gRPC spec allows, and grpc-js decodes it with decodeURI, which leaves
// reserved characters encoded; decodeURIComponent undoes the rest.
const details = (error) => decodeURIComponent(error.details);

const machine = {
  subscription_id: env('RUNCMD_SUBSCRIPTION'),
  resource_group: env('RUNCMD_RESOURCE_GROUP'),
  machine_name: env('RUNCMD_MACHINE'),
};
const name = env('RUNCMD_NAME');
const TERMINAL = new Set(['Succeeded', 'Failed', 'TimedOut', 'Canceled']);

// A script for Azure's Linux handler: no "#!" line, bash features only.
const script = [
  'names=(alpha beta "$1")',
  '[[ ${#names[@]} -eq 3 && $GREETING == h* ]] && echo "count ${#names[@]}"',
  'echo "${GREETING//l/L}"',
  'while read -r n; do echo "read $n"; done < <(printf "%s\\n" "${names[@]}")',
].join('\n');

async function main() {
  const created = await call(runCommands, 'CreateOrUpdateRunCommand', {
    machine, name, location: 'e2e', script,
    parameters: [{ name: 'GREETING', value: 'hello' }, { name: '', value: 'gamma' }],
    tags: { client: 'node' },
    timeout_in_seconds: 60,
  });
  assert.equal(created.name, name);
  assert.equal(created.script, script);
  assert.notEqual(created.operation_id, '');
  console.log('ok create');

  let read = created;
  const deadline = Date.now() + 60_000;
  while (!TERMINAL.has(read.execution_state)) {
    assert.ok(Date.now() < deadline, `still ${read.execution_state} after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    read = await call(runCommands, 'GetRunCommand', { machine, name });
  }
  assert.equal(read.execution_state, 'Succeeded', JSON.stringify(read));
  assert.equal(read.exit_code, 0);
  assert.equal(read.output, 'count 3\nheLLo\nread alpha\nread beta\nread gamma\n');
  assert.deepEqual(read.tags, { client: 'node' });
  console.log('ok read');

  const history = await call(runCommands, 'ListExecutions', { machine, name, page_size: 10 });
  assert.deepEqual(history.executions.map((e) => e.execution_id), [created.execution_id]);
  assert.equal(history.executions[0].execution_state, 'Succeeded');
  assert.equal(history.executions[0].exit_code, 0);
  console.log('ok executions');

  const operation = await call(operations, 'GetOperation', {
    subscription_id: machine.subscription_id, location: 'e2e', operation_id: created.operation_id,
  });
  assert.equal(operation.status, 'Succeeded');
  console.log('ok operation');

  // Two more run commands, so that pages of one take at least three answers.
  const extra = [`${name}-page-1`, `${name}-page-2`];
  for (const other of extra) {
    await call(runCommands, 'CreateOrUpdateRunCommand', { machine, name: other, location: 'e2e', script: 'true' });
  }
  // Other tests of the suite may have run commands on this machine too; the server's order is by name.
  const all = (await call(runCommands, 'ListRunCommands', { machine, page_size: 1000 })).run_commands
    .map((r) => r.name);
  for (const expected of [name, ...extra]) {
    assert.ok(all.includes(expected), `${expected} is listed: ${all}`);
  }
  const listed = [];
  let token = '';
  do {
    assert.ok(listed.length < all.length, `the tokens end after ${all.length} pages of one`);
    const page = await call(runCommands, 'ListRunCommands', { machine, page_size: 1, page_token: token });
    assert.equal(page.run_commands.length, 1, JSON.stringify(page));
    listed.push(page.run_commands[0].name);
    token = page.next_page_token;
  } while (token !== '');
  assert.deepEqual(listed, all, 'pages of one chain through every run command once, in order');
  const byDefault = await call(runCommands, 'ListRunCommands', { machine });
  assert.equal(byDefault.run_commands.length, Math.min(50, listed.length), 'page_size 0: pages of 50');
  await assert.rejects(call(runCommands, 'ListRunCommands', { machine, page_size: 1001 }), (error) => {
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(details(error), 'page_size: must be from 1 to 1000, or 0 for the default; got 1001');
    return true;
  });
  await assert.rejects(call(runCommands, 'ListRunCommands', { machine, page_token: 'not-a-token' }), (error) => {
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(details(error), /^page_token: not a token this list issued/);
    return true;
  });
  console.log('ok list-pages');

  await assert.rejects(call(runCommands, 'CreateOrUpdateRunCommand', {
    machine, name: `${name}-bad`, location: 'e2e', script_uri: 'ftp://scripts.example.test/s.sh',
  }), (error) => {
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(details(error), "Invalid request content at 'properties.source.scriptUri': "
      + 'expected an absolute http or https URL.');
    return true;
  });
  console.log('ok invalid');

  await assert.rejects(call(runCommands, 'UpdateRunCommand', {
    machine, name, run_command: {}, update_mask: { paths: ['shell'] },
  }), (error) => {
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(details(error), /^update_mask: 'shell' is not a field of RunCommandDefinition/);
    return true;
  });
  console.log('ok update-mask');
}

main().then(() => {
  runCommands.close();
  operations.close();
}, (error) => {
  console.error(`failed: ${error.stack ?? error}`);
  process.exit(1);
});
