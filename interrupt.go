package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// interrupts turns the first signal on sigs into the cancellation of a context, with a
// message worded for the running command; a second signal calls quit. The message is printed
// only when a signal arrives: cancelling the context on a normal return (stop) wakes nothing,
// so no run that ends by itself can print it.
type interrupts struct {
	ctx  context.Context
	stop func()
	// message is what the first signal prints; the running command sets it (setCommand).
	message atomic.Pointer[string]
}

// watchInterrupts starts watching sigs. stop ends the watch and cancels the context; it is
// safe to call more than once.
func watchInterrupts(parent context.Context, sigs <-chan os.Signal, errw io.Writer, quit func()) *interrupts {
	ctx, cancel := context.WithCancel(parent)
	done := make(chan struct{})
	in := &interrupts{ctx: ctx}
	in.setCommand("")
	var once sync.Once
	in.stop = func() {
		once.Do(func() { close(done) })
		cancel()
	}
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		fmt.Fprintln(errw, "\n"+*in.message.Load())
		cancel()
		select {
		case <-sigs:
			quit()
		case <-done:
		}
	}()
	return in
}

// setCommand words the interrupt message for the named command.
func (in *interrupts) setCommand(name string) {
	msg := interruptMessage(name)
	in.message.Store(&msg)
}

// interruptMessage is what the first Ctrl-C prints in each command. Only apply changes the
// cluster; the others stop reading and change nothing.
func interruptMessage(command string) string {
	switch command {
	case "apply":
		return "Interrupted: no new step starts; the steps in flight finish and apply reports what was done (before the first step, nothing is changed). Interrupt again to quit at once."
	case "":
		return "Interrupted: stopping. Interrupt again to quit at once."
	case "export":
		return "Interrupted: export stops; no file is written. Interrupt again to quit at once."
	default:
		return fmt.Sprintf("Interrupted: %s stops; it changes nothing on the cluster. Interrupt again to quit at once.", command)
	}
}
