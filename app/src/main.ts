import { mount } from 'svelte'
import App from './App.svelte'

const target = document.getElementById('root')
if (!target) throw new Error('missing #root')
mount(App, { target })
