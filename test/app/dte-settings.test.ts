import test from 'ava';
import { applyParity } from '../../firmware-app/at/command-line.ts';
import { interpreter } from './at-helpers.ts';

test('+IPR on a port without a speed (PTY, TCP): reports 0, accepts any listed rate, refuses others', (t) => {
  const { send } = interpreter();
  send('ATE0\r');
  t.is(send('AT+IPR?\r'), '\r\n+IPR: 0\r\n\r\nOK\r\n');
  t.is(send('AT+IPR=?\r'), '\r\n+IPR: (0),(300,1200,2400,4800,9600,19200,38400,57600,115200)\r\n\r\nOK\r\n');
  t.is(send('AT+IPR=9600\r'), '\r\nOK\r\n');
  t.is(send('AT+IPR=12345\r'), '\r\nERROR\r\n');
  t.is(send('AT+IPR=\r'), '\r\nERROR\r\n');
});

test('+IPR on a UART: its speed, no autobaud, a change asked of the host', (t) => {
  const { send, host } = interpreter();
  const asked: number[] = [];
  Object.assign(host, { dteSpeed: 19200, setDteSpeed: (b: number) => (asked.push(b), true) });
  send('ATE0\r');
  t.is(send('AT+IPR?\r'), '\r\n+IPR: 19200\r\n\r\nOK\r\n');
  t.is(send('AT+IPR=?\r'), '\r\n+IPR: (),(300,1200,2400,4800,9600,19200,38400,57600,115200)\r\n\r\nOK\r\n');
  t.is(send('AT+IPR=0\r'), '\r\nERROR\r\n', 'no autobaud on a UART');
  t.is(send('AT+IPR=115200\r'), '\r\nOK\r\n');
  t.deepEqual(asked, [115200]);
});

test('+ICF: 0 detects the framing from "AT", 3 / 5,1 / 5,0 fix 8N1 / 7E1 / 7O1 from the next command on', (t) => {
  const { send, at } = interpreter();
  send('ATE0\r');
  t.is(send('AT+ICF?\r'), '\r\n+ICF: 0\r\n\r\nOK\r\n');
  t.is(send('AT+ICF=?\r'), '\r\n+ICF: (0,3,5),(0,1)\r\n\r\nOK\r\n');
  t.is(send('AT+ICF=5,0\r'), '\r\nOK\r\n', 'the answer to +ICF itself keeps the old framing');
  send('AT\r');
  t.is(at.format, '7O1', 'fixed even though "AT" came in 8N1');
  t.is(send('AT+ICF=4\r'), applyParity('\r\nERROR\r\n', '7O1'), 'ERROR, in 7O1');
  send('AT+ICF=3\r');
  send('AT\r');
  t.is(at.format, '8N1');
  send('AT+ICF=0\r');
  send(applyParity('AT\r', '7E1'));
  t.is(at.format, '7E1', 'detected again');
});
