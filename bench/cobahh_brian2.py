"""Brian2's COBAHH example (Brette et al. 2007, benchmark 3) in cpp_standalone mode: the baseline
spikegpu's CPU backend is compared with (bench/cpu-baseline.js). 4000 neurons, p = 0.02, we = 6 nS,
wi = 67 nS, dt = 0.1 ms, exponential Euler, 1 s of simulated time.

Prints one JSON line: the wall seconds of the simulation itself (Brian2's own measurement of the
compiled run, without code generation and compilation), the spike count, Brian2's version.

    /usr/bin/python3 bench/cobahh_brian2.py [--threads 1] [--duration 1000]

Needs Brian2 and g++ (Debian: apt-get install python3-brian g++).
"""
import argparse
import json
import os
import tempfile

from brian2 import (NeuronGroup, SpikeMonitor, Synapses, __version__, defaultclock, device, exp, ms, mV, nS, prefs, run,
                    set_device, siemens, cm, ufarad, umetre)

parser = argparse.ArgumentParser()
parser.add_argument('--threads', type=int, default=1)
parser.add_argument('--duration', type=float, default=1000)
parser.add_argument('--n', type=int, default=4000)
args = parser.parse_args()

build = tempfile.mkdtemp(prefix='cobahh-brian2-')
set_device('cpp_standalone', directory=build, build_on_run=True)
prefs.devices.cpp_standalone.openmp_threads = args.threads if args.threads > 1 else 0
defaultclock.dt = 0.1 * ms

area = 20000 * umetre ** 2
Cm = (1 * ufarad * cm ** -2) * area
gl = 5e-5 * siemens * cm ** -2 * area
El, EK, ENa = -60 * mV, -90 * mV, 50 * mV
g_na = (100 * 1e-3 * siemens * cm ** -2) * area
g_kd = (30 * 1e-3 * siemens * cm ** -2) * area
VT = -63 * mV
taue, taui = 5 * ms, 10 * ms
we, wi = 6 * nS, 67 * nS
Ee, Ei = 0 * mV, -80 * mV

eqs = '''
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-g_na*(m*m*m)*h*(v-ENa)-g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
'''
P = NeuronGroup(args.n, model=eqs, threshold='v>-20*mV', refractory=3 * ms, method='exponential_euler')
ne = int(0.8 * args.n)
Pe, Pi = P[:ne], P[ne:]
Ce = Synapses(Pe, P, on_pre='ge+=we')
Ci = Synapses(Pi, P, on_pre='gi+=wi')
Ce.connect(p=0.02)
Ci.connect(p=0.02)
P.v = 'El + (randn() * 5 - 5)*mV'
P.ge = '(randn() * 1.5 + 4) * 10.*nS'
P.gi = '(randn() * 12 + 20) * 10.*nS'
spikes = SpikeMonitor(P)
run(args.duration * ms)
print(json.dumps({'seconds': device._last_run_time, 'spikes': int(spikes.num_spikes), 'brian2': __version__,
                  'threads': args.threads, 'n': args.n, 'durationMs': args.duration}))
